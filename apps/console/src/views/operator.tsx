// 受理: the hotline operator records a call. The classifier suggests type and category as the
// operator types; a duplicate found on recording is shown, and open duplicate suggestions can be
// merged or dismissed.
import { REQUEST_TYPES } from '@jsjb/contracts';
import { useEffect, useState, type FormEvent } from 'react';
import { api, type Page } from '../api';
import { useT } from '../i18n';
import { ErrorNote, useLoad, when } from '../ui';

interface Classification {
  requestType: { value: string; confidence: number };
  category: { code: string; confidence: number; alternatives: { code: string; confidence: number }[] } | null;
}

interface Created {
  id: string;
  number: string;
  status: string;
  categoryName: string | null;
  duplicateOf: { ticketId: string; number: string; reason: string; similarity: number } | null;
}

interface Suggestion {
  id: string;
  reason: string;
  similarity: number;
  ticket: { id: string; number: string; content: string; address: string | null; createdAt: string };
  master: { id: string; number: string; content: string };
}

export function OperatorView() {
  const { t, code } = useT();
  const [content, setContent] = useState('');
  const [callerName, setCallerName] = useState('');
  const [phone, setPhone] = useState('');
  const [communityCode, setCommunityCode] = useState('');
  const [address, setAddress] = useState('');
  const [requestType, setRequestType] = useState('complaint');
  const [categoryCode, setCategoryCode] = useState('');
  const [suggested, setSuggested] = useState<Classification | null>(null);
  const [created, setCreated] = useState<Created | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const duplicates = useLoad(() => api<Page<Suggestion>>('intake', '/duplicate-suggestions'), []);

  // Live classification, 400 ms after the operator stops typing.
  useEffect(() => {
    if (content.trim().length < 6) {
      setSuggested(null);
      return;
    }
    const timer = setTimeout(() => {
      api<Classification>('intake', '/classify', { content }).then(setSuggested, () => setSuggested(null));
    }, 400);
    return () => clearTimeout(timer);
  }, [content]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const ticket = await api<Created>('intake', '/tickets', {
        requestType,
        ...(categoryCode ? { categoryCode } : {}),
        content,
        caller: { name: callerName, phone },
        location: { communityCode: communityCode || undefined, address },
        triage: { outcome: 'dispatch' },
      });
      setCreated(ticket);
      setContent('');
      setCategoryCode('');
      duplicates.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const decide = async (id: string, action: 'merge' | 'dismiss') => {
    try {
      await api('intake', `/duplicate-suggestions/${id}/${action}`, {});
      duplicates.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="columns">
      <section aria-labelledby="intake-form">
        <h2 id="intake-form">{t('view.operator')}</h2>
        <form onSubmit={(e) => void submit(e)} className="form">
          <label>
            {t('content')}
            <textarea value={content} onChange={(e) => setContent(e.target.value)} rows={4} required />
          </label>
          <div className="row">
            <label>
              {t('callerName')}
              <input value={callerName} onChange={(e) => setCallerName(e.target.value)} required />
            </label>
            <label>
              {t('callerPhone')}
              <input value={phone} onChange={(e) => setPhone(e.target.value)} inputMode="tel" required />
            </label>
          </div>
          <div className="row">
            <label>
              {t('communityCode')}
              <input value={communityCode} onChange={(e) => setCommunityCode(e.target.value)} />
            </label>
            <label>
              {t('address')}
              <input value={address} onChange={(e) => setAddress(e.target.value)} required />
            </label>
          </div>
          <div className="row">
            <label>
              {t('requestType')}
              <select value={requestType} onChange={(e) => setRequestType(e.target.value)}>
                {REQUEST_TYPES.map((r) => (
                  <option key={r} value={r}>
                    {code('requestType', r)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('categoryCode')}
              <input value={categoryCode} onChange={(e) => setCategoryCode(e.target.value)} />
            </label>
          </div>
          {suggested && (
            <div className="suggestion" aria-live="polite" data-testid="classification">
              <strong>{t('classification')}</strong>: {code('requestType', suggested.requestType.value)}
              {suggested.category && (
                <>
                  {' · '}
                  {suggested.category.code} ({t('confidence')}{' '}
                  {(suggested.category.confidence * 100).toFixed(0)}
                  %){' '}
                  <button
                    type="button"
                    onClick={() => {
                      setRequestType(suggested.requestType.value);
                      setCategoryCode(suggested.category?.code ?? '');
                    }}
                  >
                    {t('apply')}
                  </button>
                </>
              )}
            </div>
          )}
          <button type="submit" disabled={busy}>
            {t('createTicket')}
          </button>
        </form>
        <ErrorNote error={error} />
        {created && (
          <p role="status" className="ok" data-testid="created">
            {t('created')} {created.number} · {created.status}
            {created.duplicateOf && (
              <>
                {' · '}
                {t('duplicateOf')} {created.duplicateOf.number}
              </>
            )}
          </p>
        )}
      </section>
      <section aria-labelledby="duplicates">
        <h2 id="duplicates">{t('duplicates')}</h2>
        <ErrorNote error={duplicates.error} />
        <ul className="cards">
          {(duplicates.data?.items ?? []).map((s) => (
            <li key={s.id}>
              <div>
                {s.ticket.number} → {s.master.number} ({s.reason}, {(s.similarity * 100).toFixed(0)}%)
              </div>
              <div className="muted">
                {s.ticket.content} · {when(s.ticket.createdAt)}
              </div>
              <button onClick={() => void decide(s.id, 'merge')}>{t('merge')}</button>{' '}
              <button onClick={() => void decide(s.id, 'dismiss')}>{t('dismiss')}</button>
            </li>
          ))}
        </ul>
        {duplicates.data?.items.length === 0 && <p>{t('empty')}</p>}
      </section>
    </div>
  );
}
