/**
 * One topic per aggregate stream, partitioned by aggregate id so that each aggregate's
 * events stay in order.
 */
export const TOPICS = {
  /** Ticket (工单) lifecycle; key = ticket id. */
  ticket: 'jsjb.ticket.v1',
  /** Territory, units and dispatch-catalogue changes; key = reference entity id. */
  reference: 'jsjb.reference.v1',
  /** 街道吹哨·部门报到 — a whistle and its check-ins; key = whistle id. */
  whistle: 'jsjb.whistle.v1',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

/** The dead-letter topic of a consumer group's source topic. */
export function dlqTopic(topic: string): string {
  return `${topic}.dlq`;
}
