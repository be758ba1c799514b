// The console's shell: sign-in (a development token for a chosen role where the server offers
// one, else a pasted token), the views the role may use, and the language switch.
import { useEffect, useState, type FormEvent } from 'react';
import { useToken } from './api';
import { LangContext, translate, useT, type Lang, type MessageKey } from './i18n';
import { loadSession, saveSession, sessionOf, type Session } from './session';
import { ErrorNote } from './ui';
import { DispatcherView } from './views/dispatcher';
import { ManagerView } from './views/manager';
import { OperatorView } from './views/operator';
import { UnitView } from './views/unit';

type View = 'operator' | 'dispatcher' | 'unit' | 'manager';

/** The views each role may open (the services check every request again). */
const VIEWS: Record<string, View[]> = {
  operator: ['operator'],
  dispatcher: ['dispatcher', 'manager'],
  unit_staff: ['unit'],
  manager: ['manager'],
  admin: ['manager', 'dispatcher'],
};

const viewOfHash = (): string => window.location.hash.replace(/^#\/?/, '');

export function App() {
  const [lang, setLang] = useState<Lang>(() =>
    localStorage.getItem('jsjb.console.lang') === 'en' ? 'en' : 'zh',
  );
  const [session, setSession] = useState<Session | null>(loadSession);
  const [hash, setHash] = useState(viewOfHash);
  const t = (key: MessageKey) => translate(lang, key);
  useToken(session?.token ?? null);

  useEffect(() => {
    const onHash = () => setHash(viewOfHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = translate(lang, 'title');
    localStorage.setItem('jsjb.console.lang', lang);
  }, [lang]);

  const views = session ? (VIEWS[session.role] ?? []) : [];
  const view = views.find((v) => v === hash) ?? views[0];
  const signOut = () => {
    saveSession(null);
    setSession(null);
  };

  return (
    <LangContext.Provider value={lang}>
      <header>
        <h1>{t('title')}</h1>
        <nav aria-label="views">
          {views.map((v) => (
            <a key={v} href={`#/${v}`} aria-current={v === view ? 'page' : undefined}>
              {t(`view.${v}`)}
            </a>
          ))}
        </nav>
        <div className="who">
          {session && (
            <span>
              {t(`role.${session.role}` as MessageKey)} · {session.unitId ?? session.subject}
            </span>
          )}
          <button onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>{t('language')}</button>
          {session && <button onClick={signOut}>{t('logout')}</button>}
        </div>
      </header>
      <main>
        {session === null ? (
          <Login
            onSession={(s) => {
              saveSession(s);
              setSession(s);
            }}
          />
        ) : view === 'operator' ? (
          <OperatorView />
        ) : view === 'dispatcher' ? (
          <DispatcherView />
        ) : view === 'unit' ? (
          <UnitView />
        ) : view === 'manager' ? (
          <ManagerView />
        ) : null}
      </main>
    </LangContext.Provider>
  );
}

function Login({ onSession }: { onSession: (s: Session) => void }) {
  const { t } = useT();
  const [devLogin, setDevLogin] = useState<boolean | null>(null);
  const [role, setRole] = useState('operator');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    fetch('/console/config')
      .then((r) => r.json() as Promise<{ devLogin: boolean }>)
      .then(
        (c) => setDevLogin(c.devLogin),
        () => setDevLogin(false),
      );
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      let bearer = token.trim();
      if (devLogin) {
        const res = await fetch('/console/dev-login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ role, subject: fields['subject'] || `${role}-console`, ...fields }),
        });
        const body = (await res.json()) as {
          token?: string;
          code?: string;
          field?: string;
          message?: string;
        };
        if (!res.ok || body.token === undefined)
          throw new Error(`${body.code ?? res.status} ${body.field ?? ''} ${body.message ?? ''}`);
        bearer = body.token;
      }
      const session = sessionOf(bearer);
      if (session === null) throw new Error(t('tokenHint'));
      onSession(session);
    } catch (err) {
      setError(err);
    }
  };
  const input = (name: string, label: MessageKey, required = false) => (
    <label>
      {t(label)}
      <input
        name={name}
        value={fields[name] ?? ''}
        required={required}
        onChange={(e) => setFields((f) => ({ ...f, [name]: e.target.value }))}
      />
    </label>
  );

  return (
    <form className="form login" onSubmit={(e) => void submit(e)} aria-labelledby="login">
      <h2 id="login">{t('login')}</h2>
      {devLogin === true && (
        <>
          <p className="muted">{t('devLoginHint')}</p>
          <label>
            {t('role')}
            <select value={role} onChange={(e) => setRole(e.target.value)}>
              {(['operator', 'dispatcher', 'unit_staff', 'manager'] as const).map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}`)}
                </option>
              ))}
            </select>
          </label>
          {input('subject', 'subject')}
          {role === 'unit_staff' && input('unitId', 'unitId', true)}
          {role === 'manager' && input('districtCode', 'districtCode')}
          {role === 'manager' && input('streetCode', 'streetCode')}
        </>
      )}
      {devLogin === false && (
        <label>
          {t('token')}
          <textarea value={token} onChange={(e) => setToken(e.target.value)} rows={4} required />
          <span className="muted">{t('tokenHint')}</span>
        </label>
      )}
      <button type="submit" disabled={devLogin === null}>
        {t('login')}
      </button>
      <ErrorNote error={error} />
    </form>
  );
}
