import type { EventPayload, EventType } from '@jsjb/contracts';
import { Counter, type Registry } from 'prom-client';

/**
 * A business counter fed by the service's own events (`jsjb_tickets_dispatched_total` from
 * `ticket.dispatched.v1`, …): the event types it counts, each with the labels its payload gives.
 * Label values must come from bounded sets (enums, kinds), never ids or text.
 */
export interface EventCounterDefinition<L extends string = string> {
  /** `jsjb_<what>_total`. */
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  readonly events: { readonly [T in EventType]?: (data: EventPayload<T>) => Readonly<Record<L, string>> };
}

/** Checks a counter definition's types (labels given for each event match its label names). */
export function defineEventCounter<const L extends string>(
  definition: EventCounterDefinition<L>,
): EventCounterDefinition<L> {
  return definition;
}

interface CountedType {
  counter: Counter;
  labels: (data: never) => Readonly<Record<string, string>>;
}

/**
 * Counts events as the outbox relay publishes them. An event is in the outbox only once its
 * transaction committed, so a count is a state change that happened, counted once wherever the
 * change was made (HTTP request, consumer, timer) — a rolled-back or retried transaction counts
 * nothing. (Delivery is at least once: a relay that dies between publishing a batch and marking
 * it sent publishes, and counts, it again.) Relay-less instances export the counters at zero.
 */
export class EventCounters {
  private readonly byType = new Map<string, CountedType[]>();

  constructor(definitions: readonly EventCounterDefinition[], registry: Registry) {
    for (const definition of definitions) {
      const counter = new Counter({
        name: definition.name,
        help: definition.help,
        labelNames: definition.labelNames,
        registers: [registry],
      });
      for (const [type, labels] of Object.entries(definition.events)) {
        if (labels === undefined) continue;
        const counted = this.byType.get(type) ?? [];
        counted.push({ counter, labels });
        this.byType.set(type, counted);
      }
    }
  }

  /** Counts one published event (its payload as stored: validated against its schema when written). */
  count(type: string, payload: unknown): void {
    const counted = this.byType.get(type);
    if (counted === undefined) return;
    for (const { counter, labels } of counted) {
      try {
        counter.inc(labels(payload as never));
      } catch {
        // A payload older than its counter's labels: uncounted rather than failing the relay.
      }
    }
  }
}
