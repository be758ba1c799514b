import { defineEventCounter } from '@jsjb/messaging';

/** 督办 — clocks that reached their due time unstopped (counted as `sla.breached.v1` is published). */
export const CLOCKS_BREACHED = defineEventCounter({
  name: 'jsjb_clocks_breached_total',
  help: 'Deadline clocks that reached their due time unstopped (督办), by clock kind',
  labelNames: ['kind'],
  events: {
    'sla.breached.v1': (data) => ({ kind: data.kind }),
  },
});

/** 催办 — clocks that passed a warning threshold (counted as `sla.warned.v1` is published). */
export const CLOCKS_WARNED = defineEventCounter({
  name: 'jsjb_clocks_warned_total',
  help: 'Deadline clocks that passed a warning threshold unstopped (催办), by clock kind',
  labelNames: ['kind'],
  events: {
    'sla.warned.v1': (data) => ({ kind: data.kind }),
  },
});
