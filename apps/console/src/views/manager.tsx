// 考核: for a month and a unit class, 响应率/解决率/满意率 and the composite with ranks, the class's
// daily trend, overdue and at-risk deadlines (how late), 吹哨报到 figures and the hot spots.
import { useState } from 'react';
import { api } from '../api';
import { useT } from '../i18n';
import { ErrorNote, LineChart, Loading, percent, span, useLoad, when } from '../ui';

const UNIT_CLASSES = ['street', 'district', 'city-department', 'enterprise'] as const;

interface Rates {
  units: {
    unitId: string;
    name: string;
    orders: number;
    responseRate: number | null;
    resolutionRate: number | null;
    satisfactionRate: number | null;
    composite: number | null;
    rank: number | null;
  }[];
}

interface Trend {
  series: {
    period: string;
    responseRate: number | null;
    resolutionRate: number | null;
    satisfactionRate: number | null;
  }[];
}

interface Deadline {
  id: string;
  ticketId: string;
  kind: string;
  unitId: string | null;
  dueAt: string;
}

interface Whistles {
  summoned: { unitId: string; onTime: number; late: number; absent: number }[];
}

interface Hotspots {
  items: {
    categoryCode: string;
    categoryName: string | null;
    districtName: string | null;
    streetName: string | null;
    tickets: number;
    growth: number | null;
  }[];
}

/** The city's (UTC+8) current month. */
const thisMonth = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);

export function ManagerView() {
  const { t, code, lang } = useT();
  const [month, setMonth] = useState(thisMonth);
  const [unitClass, setUnitClass] = useState<(typeof UNIT_CLASSES)[number]>('street');
  const q = `month=${month}`;
  const rates = useLoad(
    () => api<Rates>('sla', `/assessment/rates?${q}&unitClass=${unitClass}`),
    [q, unitClass],
  );
  const trend = useLoad(
    () => api<Trend>('sla', `/assessment/trends?${q}&unitClass=${unitClass}&granularity=day`),
    [q, unitClass],
  );
  const overdue = useLoad(() => api<{ items: Deadline[] }>('sla', '/deadlines/overdue?limit=20'), []);
  const atRisk = useLoad(() => api<{ items: Deadline[] }>('sla', '/deadlines/at-risk?limit=20'), []);
  const whistles = useLoad(() => api<Whistles>('sla', `/assessment/whistles?${q}`), [q]);
  const hotspots = useLoad(() => api<Hotspots>('sla', `/assessment/hotspots?${q}&limit=10`), [q]);
  const now = Date.now();
  const ranked = [...(rates.data?.units ?? [])].sort(
    (a, b) =>
      (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER) || b.orders - a.orders,
  );
  const series = trend.data?.series ?? [];

  const deadlines = (title: string, id: string, list: Deadline[] | undefined, error: unknown) => (
    <section aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      <ErrorNote error={error} />
      <table>
        <thead>
          <tr>
            <th scope="col">{t('clock')}</th>
            <th scope="col">{t('unit')}</th>
            <th scope="col">{t('dueAt')}</th>
            <th scope="col">{t('remaining')}</th>
          </tr>
        </thead>
        <tbody>
          {(list ?? []).map((c) => {
            const left = Date.parse(c.dueAt) - now;
            return (
              <tr key={c.id}>
                <td>{c.kind}</td>
                <td>{c.unitId ?? '—'}</td>
                <td>{when(c.dueAt)}</td>
                <td className={left < 0 ? 'late' : ''}>
                  {left < 0 ? `${t('overdueBy')} ${span(left, lang)}` : span(left, lang)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {list?.length === 0 && <p>{t('empty')}</p>}
    </section>
  );

  return (
    <div>
      <form className="row filters" onSubmit={(e) => e.preventDefault()} aria-label={t('view.manager')}>
        <label>
          {t('month')}
          <input type="month" value={month} onChange={(e) => setMonth(e.target.value || thisMonth())} />
        </label>
        <label>
          {t('unitClass')}
          <select value={unitClass} onChange={(e) => setUnitClass(e.target.value as typeof unitClass)}>
            {UNIT_CLASSES.map((c) => (
              <option key={c} value={c}>
                {code('unitClass', c)}
              </option>
            ))}
          </select>
        </label>
      </form>
      <div className="columns">
        <section aria-labelledby="rates">
          <h2 id="rates">
            {t('rates')} <button onClick={rates.reload}>{t('refresh')}</button>
          </h2>
          <ErrorNote error={rates.error} />
          {rates.data === undefined && rates.error === undefined && <Loading />}
          <div className="scroll">
            <table data-testid="rates">
              <thead>
                <tr>
                  <th scope="col">{t('rank')}</th>
                  <th scope="col">{t('unit')}</th>
                  <th scope="col">{t('orders')}</th>
                  <th scope="col">{t('responseRate')}</th>
                  <th scope="col">{t('resolutionRate')}</th>
                  <th scope="col">{t('satisfactionRate')}</th>
                  <th scope="col">{t('composite')}</th>
                </tr>
              </thead>
              <tbody>
                {ranked.map((u) => (
                  <tr key={u.unitId} data-unit={u.unitId}>
                    <td>{u.rank ?? '—'}</td>
                    <td>{u.name}</td>
                    <td>{u.orders}</td>
                    <td>{percent(u.responseRate)}</td>
                    <td>{percent(u.resolutionRate)}</td>
                    <td>{percent(u.satisfactionRate)}</td>
                    <td>{u.composite === null ? '—' : (u.composite * 100).toFixed(1)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <section aria-labelledby="trend">
          <h2 id="trend">{t('trend')}</h2>
          <ErrorNote error={trend.error} />
          {series.length > 0 && (
            <LineChart
              title={`${t('trend')} ${month}`}
              labels={series.map((s) => s.period)}
              series={[
                { name: t('responseRate'), values: series.map((s) => s.responseRate), colour: '#1f6feb' },
                { name: t('resolutionRate'), values: series.map((s) => s.resolutionRate), colour: '#2da44e' },
                {
                  name: t('satisfactionRate'),
                  values: series.map((s) => s.satisfactionRate),
                  colour: '#bf8700',
                },
              ]}
            />
          )}
          <h2 id="hotspots">{t('hotspots')}</h2>
          <ErrorNote error={hotspots.error} />
          <table aria-labelledby="hotspots">
            <thead>
              <tr>
                <th scope="col">{t('category')}</th>
                <th scope="col">{t('area')}</th>
                <th scope="col">{t('tickets')}</th>
                <th scope="col">{t('growth')}</th>
              </tr>
            </thead>
            <tbody>
              {(hotspots.data?.items ?? []).map((h, i) => (
                <tr key={i}>
                  <td>{h.categoryName ?? h.categoryCode}</td>
                  <td>{h.streetName ?? h.districtName ?? '—'}</td>
                  <td>{h.tickets}</td>
                  <td>{percent(h.growth)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      <div className="columns">
        {deadlines(t('overdue'), 'overdue', overdue.data?.items, overdue.error)}
        {deadlines(t('atRisk'), 'at-risk', atRisk.data?.items, atRisk.error)}
        <section aria-labelledby="whistles">
          <h3 id="whistles">{t('whistles')}</h3>
          <ErrorNote error={whistles.error} />
          <table>
            <thead>
              <tr>
                <th scope="col">{t('summoned')}</th>
                <th scope="col">{t('onTime')}</th>
                <th scope="col">{t('late')}</th>
                <th scope="col">{t('absent')}</th>
              </tr>
            </thead>
            <tbody>
              {(whistles.data?.summoned ?? []).map((w) => (
                <tr key={w.unitId}>
                  <td>{w.unitId}</td>
                  <td>{w.onTime}</td>
                  <td>{w.late}</td>
                  <td>{w.absent}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {whistles.data?.summoned.length === 0 && <p>{t('empty')}</p>}
        </section>
      </div>
    </div>
  );
}
