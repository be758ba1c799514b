// The three services' APIs, through the console's origin (/api/<service>/…), with the session's
// bearer token. Errors carry the services' stable codes and the field at fault.
export type Service = 'intake' | 'routing' | 'sla';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | undefined,
  ) {
    super(message);
  }
}

let bearer: string | null = null;

export function useToken(token: string | null): void {
  bearer = token;
}

export async function api<T>(service: Service, path: string, body?: unknown, method?: string): Promise<T> {
  const res = await fetch(`/api/${service}${path}`, {
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(bearer !== null ? { authorization: `Bearer ${bearer}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  const json = text === '' ? null : (JSON.parse(text) as unknown);
  if (!res.ok) {
    // Problem details (RFC 9457) with the services' code and the fields at fault.
    const e = (json ?? {}) as {
      code?: string;
      detail?: string;
      message?: string;
      errors?: { field?: string; message?: string }[];
    };
    const first = e.errors?.[0];
    throw new ApiError(
      res.status,
      e.code ?? `HTTP.${res.status}`,
      [e.detail ?? e.message ?? res.statusText, first?.field && `${first.field}: ${first.message ?? ''}`]
        .filter(Boolean)
        .join(' '),
      first?.field,
    );
  }
  return json as T;
}

export interface Page<T> {
  total: number;
  items: T[];
}
