// 办理: a handling unit's inbox, soonest deadline first, with the time left, and the actions on
// the chosen order: 签收, 退单, contact the resident, progress, 延期, 答复.
import { CONTACT_METHODS, CONTACT_RESULTS, DISPUTE_REASONS, REPLY_RESULTS } from '@jsjb/contracts';
import { useState, type FormEvent } from 'react';
import { api, type Page } from '../api';
import { useT } from '../i18n';
import { ErrorNote, Loading, span, useLoad, when } from '../ui';

export interface Assignment {
  id: string;
  ticketId: string;
  number: string;
  unitId: string;
  role: string;
  status: string;
  rule: string;
  content: string;
  categoryCode: string;
  dueAt: string | null;
  respondBy: string | null;
  signedAt: string | null;
  flags: { overdue: boolean; responseOverdue: boolean; emergency: boolean };
}

type Action = 'sign' | 'return' | 'contact' | 'progress' | 'extension' | 'reply';

/** The deadline that matters now: signing for an unsigned order, else the reply's. */
const nextDeadline = (a: Assignment): string | null => (a.signedAt === null ? a.respondBy : a.dueAt);

export function UnitView() {
  const { t, code, lang } = useT();
  const inbox = useLoad(() => api<Page<Assignment>>('routing', '/assignments?pageSize=100'), []);
  const [chosen, setChosen] = useState<string | null>(null);
  const [action, setAction] = useState<Action | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [explained, setExplained] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState<string | null>(null);
  const now = Date.now();
  const items = [...(inbox.data?.items ?? [])].sort(
    (a, b) => Date.parse(nextDeadline(a) ?? '9999') - Date.parse(nextDeadline(b) ?? '9999'),
  );
  const current = items.find((a) => a.id === chosen) ?? null;
  const field = (name: string, fallback = '') => fields[name] ?? fallback;
  const set = (name: string) => (e: { target: { value: string } }) =>
    setFields((f) => ({ ...f, [name]: e.target.value }));

  const open = (a: Action) => {
    setAction(a);
    setFields({});
    setExplained(false);
    setError(undefined);
    setDone(null);
  };

  /** Runs `a` on the chosen order: signing at once, the others with their form's fields. */
  const perform = async (a: Action, e?: FormEvent) => {
    e?.preventDefault();
    if (current === null) return;
    setError(undefined);
    const path = `/assignments/${current.id}`;
    const bodies: Record<Action, [string, unknown]> = {
      sign: [`${path}/sign`, {}],
      return: [
        `${path}/return`,
        {
          reason: field('reason', DISPUTE_REASONS[0]),
          note: field('note'),
          ...(field('suggestedUnitId') ? { suggestedUnitId: field('suggestedUnitId') } : {}),
        },
      ],
      contact: [
        `${path}/contacts`,
        {
          method: field('method', CONTACT_METHODS[0]),
          result: field('result', CONTACT_RESULTS[0]),
          note: field('note'),
        },
      ],
      progress: [`${path}/progress`, { note: field('note') }],
      extension: [
        `${path}/extension-requests`,
        {
          reason: field('note'),
          requestedDueAt: field('requestedDueAt') ? new Date(field('requestedDueAt')).toISOString() : '',
          explainedToResident: explained,
        },
      ],
      reply: [`${path}/reply`, { result: field('result', REPLY_RESULTS[0]), content: field('note') }],
    };
    const [url, body] = bodies[a];
    try {
      await api('routing', url, body);
      setDone(`${t(a)} · ${current.number} · ${t('done')}`);
      setAction(null);
      inbox.reload();
    } catch (err) {
      setError(err);
    }
  };

  const options = (list: readonly string[]) =>
    list.map((v) => (
      <option key={v} value={v}>
        {v}
      </option>
    ));

  return (
    <div className="columns">
      <section aria-labelledby="inbox">
        <h2 id="inbox">
          {t('inbox')} <button onClick={inbox.reload}>{t('refresh')}</button>
        </h2>
        <ErrorNote error={inbox.error} />
        {inbox.data === undefined && inbox.error === undefined && <Loading />}
        <table>
          <thead>
            <tr>
              <th scope="col">{t('number')}</th>
              <th scope="col">{t('content')}</th>
              <th scope="col">{t('status')}</th>
              <th scope="col">{t('deadline')}</th>
              <th scope="col">{t('remaining')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => {
              const due = nextDeadline(a);
              const left = due === null ? null : Date.parse(due) - now;
              return (
                <tr key={a.id} className={a.id === chosen ? 'chosen' : ''} aria-selected={a.id === chosen}>
                  <td>
                    <button className="link" onClick={() => setChosen(a.id)}>
                      {a.number}
                    </button>
                  </td>
                  <td className="text">{a.content}</td>
                  <td>{code('status', a.status)}</td>
                  <td>
                    {a.signedAt === null ? `${t('respondBy')} ` : ''}
                    {when(due)}
                  </td>
                  <td className={left !== null && left < 0 ? 'late' : ''}>
                    {left === null
                      ? '—'
                      : left < 0
                        ? `${t('overdueBy')} ${span(left, lang)}`
                        : span(left, lang)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {inbox.data?.items.length === 0 && <p>{t('empty')}</p>}
      </section>
      <section aria-labelledby="actions">
        <h2 id="actions">
          {t('actions')}
          {current && ` · ${current.number}`}
        </h2>
        {done && (
          <p role="status" className="ok">
            {done}
          </p>
        )}
        {current && (
          <>
            <p className="muted">{current.content}</p>
            <div className="buttons" role="toolbar" aria-label={t('actions')}>
              {(['sign', 'return', 'contact', 'progress', 'extension', 'reply'] as const).map((a) => (
                <button
                  key={a}
                  onClick={() => (a === 'sign' ? void perform(a) : open(a))}
                  aria-pressed={action === a}
                >
                  {t(a)}
                </button>
              ))}
            </div>
          </>
        )}
        {current && action !== null && action !== 'sign' && (
          <form onSubmit={(e) => void perform(action, e)} className="form" aria-label={t(action)}>
            {action === 'return' && (
              <>
                <label>
                  {t('reason')}
                  <select value={field('reason', DISPUTE_REASONS[0])} onChange={set('reason')}>
                    {options(DISPUTE_REASONS)}
                  </select>
                </label>
                <label>
                  {t('suggestedUnitId')}
                  <input value={field('suggestedUnitId')} onChange={set('suggestedUnitId')} />
                </label>
              </>
            )}
            {action === 'contact' && (
              <div className="row">
                <label>
                  {t('method')}
                  <select value={field('method', CONTACT_METHODS[0])} onChange={set('method')}>
                    {options(CONTACT_METHODS)}
                  </select>
                </label>
                <label>
                  {t('result')}
                  <select value={field('result', CONTACT_RESULTS[0])} onChange={set('result')}>
                    {options(CONTACT_RESULTS)}
                  </select>
                </label>
              </div>
            )}
            {action === 'reply' && (
              <label>
                {t('result')}
                <select value={field('result', REPLY_RESULTS[0])} onChange={set('result')}>
                  {options(REPLY_RESULTS)}
                </select>
              </label>
            )}
            {action === 'extension' && (
              <>
                <label>
                  {t('requestedDueAt')}
                  <input
                    type="datetime-local"
                    value={field('requestedDueAt')}
                    onChange={set('requestedDueAt')}
                  />
                </label>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={explained}
                    onChange={(e) => setExplained(e.target.checked)}
                  />
                  {t('explainedToResident')}
                </label>
              </>
            )}
            <label>
              {action === 'reply' ? t('replyContent') : action === 'extension' ? t('reason') : t('note')}
              <textarea
                value={field('note')}
                onChange={set('note')}
                rows={3}
                required={action !== 'contact'}
              />
            </label>
            <button type="submit">{t('submit')}</button>{' '}
            <button type="button" onClick={() => setAction(null)}>
              {t('cancel')}
            </button>
          </form>
        )}
        <ErrorNote error={error} />
      </section>
    </div>
  );
}
