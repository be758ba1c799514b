import { defineEventCounter } from '@jsjb/messaging';

/**
 * 受理 — tickets received, by channel and by how intake settled them: forwarded for dispatch,
 * answered on the spot (直办), diverted (分流) or merged (并单). Each ticket publishes exactly one of
 * these four events, so each counts once, when its outcome is stored — at creation in the usual
 * case, when an operator triages it for a ticket left pending.
 */
export const TICKETS_RECEIVED = defineEventCounter({
  name: 'jsjb_tickets_received_total',
  help: 'Tickets (工单) received at intake, by channel and outcome (forwarded, answered, diverted, merged), counted when the outcome is stored',
  labelNames: ['channel', 'outcome'],
  events: {
    'ticket.received.v1': (data) => ({ channel: data.channel, outcome: 'forwarded' }),
    'ticket.closed-directly.v1': (data) => ({ channel: data.channel, outcome: 'answered' }),
    'ticket.diverted.v1': (data) => ({ channel: data.channel, outcome: 'diverted' }),
    'ticket.merged.v1': (data) => ({ channel: data.channel, outcome: 'merged' }),
  },
});
