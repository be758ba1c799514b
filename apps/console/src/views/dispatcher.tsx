// 派单: the manual-dispatch queue (tickets the catalogue could not place, with why) and the
// returns (退单) to review, each with the unit suggested and the rule that chose the first one.
import { useState } from 'react';
import { api, type Page } from '../api';
import { useT } from '../i18n';
import { ErrorNote, useLoad, when } from '../ui';

interface Queued {
  ticketId: string;
  number: string;
  content: string;
  categoryCode: string | null;
  reason: string;
  detail: string | null;
  queuedAt: string;
  location: { resolved: { streetCode?: string | null } | null };
}

interface Dispute {
  id: string;
  ticketId: string;
  number?: string;
  unitId: string;
  reason: string;
  note: string;
  suggestedUnitId: string | null;
  rule?: string;
  createdAt: string;
}

export function DispatcherView() {
  const { t } = useT();
  const queue = useLoad(() => api<Page<Queued>>('routing', '/dispatch/manual?pageSize=50'), []);
  const disputes = useLoad(() => api<{ rows: Dispute[] }>('routing', '/disputes?pageSize=50'), []);
  const [units, setUnits] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(undefined);

  const act = async (path: string, body: unknown, reload: () => void) => {
    setError(undefined);
    try {
      await api('routing', path, body);
      reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="columns">
      <section aria-labelledby="manual">
        <h2 id="manual">
          {t('manualQueue')} <button onClick={queue.reload}>{t('refresh')}</button>
        </h2>
        <ErrorNote error={queue.error} />
        <ul className="cards">
          {(queue.data?.items ?? []).map((q) => {
            const suggested = q.location.resolved?.streetCode
              ? `street-${q.location.resolved.streetCode}`
              : '';
            const unit = units[q.ticketId] ?? suggested;
            return (
              <li key={q.ticketId}>
                <div>
                  <strong>{q.number}</strong> · {when(q.queuedAt)} · {q.reason}
                  {q.detail ? ` (${q.detail})` : ''}
                </div>
                <div className="muted">{q.content}</div>
                <div>
                  {t('suggestedUnit')}: {suggested || '—'}
                </div>
                <label>
                  {t('leadUnitId')}
                  <input
                    value={unit}
                    onChange={(e) => setUnits((u) => ({ ...u, [q.ticketId]: e.target.value }))}
                  />
                </label>{' '}
                <button
                  disabled={unit === ''}
                  onClick={() =>
                    void act(`/dispatch/manual/${q.ticketId}/dispatch`, { leadUnitId: unit }, queue.reload)
                  }
                >
                  {t('dispatch')}
                </button>
              </li>
            );
          })}
        </ul>
        {queue.data?.items.length === 0 && <p>{t('empty')}</p>}
      </section>
      <section aria-labelledby="disputes">
        <h2 id="disputes">
          {t('disputes')} <button onClick={disputes.reload}>{t('refresh')}</button>
        </h2>
        <ErrorNote error={disputes.error} />
        <ul className="cards">
          {(disputes.data?.rows ?? []).map((d) => {
            const unit = units[d.id] ?? d.suggestedUnitId ?? '';
            return (
              <li key={d.id}>
                <div>
                  <strong>{d.number ?? d.ticketId}</strong> · {d.unitId} · {d.reason} · {when(d.createdAt)}
                </div>
                <div className="muted">{d.note}</div>
                <div>
                  {t('suggestedUnit')}: {d.suggestedUnitId ?? '—'}
                  {d.rule ? ` · ${t('rule')}: ${d.rule}` : ''}
                </div>
                <label>
                  {t('correctedUnitId')}
                  <input value={unit} onChange={(e) => setUnits((u) => ({ ...u, [d.id]: e.target.value }))} />
                </label>{' '}
                <button
                  disabled={unit === ''}
                  onClick={() =>
                    void act(
                      `/disputes/${d.id}/decision`,
                      { decision: 'approved', correctedUnitId: unit },
                      disputes.reload,
                    )
                  }
                >
                  {t('approve')}
                </button>{' '}
                <button
                  onClick={() =>
                    void act(`/disputes/${d.id}/decision`, { decision: 'rejected' }, disputes.reload)
                  }
                >
                  {t('reject')}
                </button>
              </li>
            );
          })}
        </ul>
        {disputes.data?.rows.length === 0 && <p>{t('empty')}</p>}
      </section>
      <ErrorNote error={error} />
    </div>
  );
}
