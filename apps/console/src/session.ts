// Who is signed in: the bearer token and what its claims say, kept for the browser tab only.
export type ConsoleRole = 'operator' | 'dispatcher' | 'unit_staff' | 'manager';

export interface Session {
  token: string;
  role: string;
  subject: string;
  unitId: string | null;
}

const KEY = 'jsjb.console.session';

/** The claims of a JWT (not verified here: the services verify every request). */
export function sessionOf(token: string): Session | null {
  const payload = token.split('.')[1];
  if (payload === undefined) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    if (typeof claims['role'] !== 'string' || typeof claims['sub'] !== 'string') return null;
    return {
      token,
      role: claims['role'],
      subject: claims['sub'],
      unitId: typeof claims['unit'] === 'string' ? claims['unit'] : null,
    };
  } catch {
    return null;
  }
}

export function loadSession(): Session | null {
  const token = sessionStorage.getItem(KEY);
  return token === null ? null : sessionOf(token);
}

export function saveSession(session: Session | null): void {
  if (session === null) sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, session.token);
}
