import { defineEventCounter } from '@jsjb/messaging';

/** 办结 — replies of lead units (counted as `ticket.replied.v1` is published). */
export const TICKETS_REPLIED = defineEventCounter({
  name: 'jsjb_tickets_replied_total',
  help: 'Replies (办结) of lead units to residents, by result',
  labelNames: ['result'],
  events: {
    'ticket.replied.v1': (data) => ({ result: data.result }),
  },
});
