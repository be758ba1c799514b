import { defineEventCounter } from '@jsjb/messaging';
import { dispatchRuleKind } from './dispatch-rule.domain';

/** 派单 — tickets dispatched, by how the units were chosen (counted as `ticket.dispatched.v1` is published). */
export const TICKETS_DISPATCHED = defineEventCounter({
  name: 'jsjb_tickets_dispatched_total',
  help: 'Tickets dispatched to units, by rule kind: auto (the catalogue), manual (a dispatcher, from the manual queue), correction (a dispatcher corrected a dispatch), reopened (重办 cycle)',
  labelNames: ['rule_kind'],
  events: {
    'ticket.dispatched.v1': (data) => ({ rule_kind: dispatchRuleKind(data.rule) }),
  },
});
