// Small pieces the views share: loading state, errors, times, rates, a line chart.
import { useCallback, useEffect, useState } from 'react';
import { ApiError } from './api';
import { useT } from './i18n';

/** Loads with `load` on mount and whenever `deps` change; `reload` loads again. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const run = useCallback(load, deps);
  const reload = useCallback(() => {
    setError(undefined);
    run().then(setData, setError);
  }, [run]);
  useEffect(reload, [reload]);
  return { data, error, reload };
}

export function ErrorNote({ error }: { error: unknown }) {
  const { t } = useT();
  if (error === undefined || error === null) return null;
  const text =
    error instanceof ApiError
      ? `${error.code}: ${error.message}`
      : error instanceof Error
        ? error.message
        : JSON.stringify(error);
  return (
    <p role="alert" className="error">
      {t('error')} — {text}
    </p>
  );
}

export function Loading() {
  const { t } = useT();
  return <p aria-busy="true">{t('loading')}</p>;
}

export const percent = (rate: number | null | undefined): string =>
  rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`;

export const when = (iso: string | null | undefined): string =>
  iso ? new Date(iso).toLocaleString('zh-CN', { hour12: false }) : '—';

/** "3天4小时" / "3 d 4 h": the span between now and `iso` (negative: past). */
export function span(ms: number, lang: 'zh' | 'en'): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (lang === 'en') return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : `${m} min`;
  return d > 0 ? `${d}天${h}小时` : h > 0 ? `${h}小时${m}分` : `${m}分钟`;
}

export interface Series {
  name: string;
  values: (number | null)[];
  colour: string;
}

/** A line chart of rates (0–1) over `labels`, as SVG with a text alternative. */
export function LineChart({ labels, series, title }: { labels: string[]; series: Series[]; title: string }) {
  const width = 640;
  const height = 200;
  const pad = 28;
  const x = (i: number) => pad + (i * (width - 2 * pad)) / Math.max(1, labels.length - 1);
  const y = (v: number) => height - pad - v * (height - 2 * pad);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
        {[0, 0.5, 1].map((v) => (
          <g key={v}>
            <line x1={pad} x2={width - pad} y1={y(v)} y2={y(v)} className="grid" />
            <text x={2} y={y(v) + 4} className="axis">
              {v * 100}%
            </text>
          </g>
        ))}
        {series.map((s) => {
          const points = s.values
            .map((v, i) => (v === null ? null : `${x(i)},${y(v)}`))
            .filter((p): p is string => p !== null);
          return (
            <polyline key={s.name} points={points.join(' ')} fill="none" stroke={s.colour} strokeWidth={2} />
          );
        })}
        <text x={pad} y={height - 6} className="axis">
          {labels[0]}
        </text>
        <text x={width - pad} y={height - 6} textAnchor="end" className="axis">
          {labels[labels.length - 1]}
        </text>
      </svg>
      <figcaption>
        {series.map((s) => (
          <span key={s.name} className="legend">
            <span style={{ background: s.colour }} className="swatch" aria-hidden="true" />
            {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
