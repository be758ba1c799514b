import type { z } from 'zod';

/**
 * One event type: its versioned name (`<aggregate>.<what-happened>.v<N>`), the topic that
 * carries it (one per aggregate stream, key = aggregate id) and the zod schema of its payload,
 * checked by the producer before it is stored and by every consumer before it is handled.
 */
export interface EventDefinition<T extends string = string, S extends z.ZodType = z.ZodType> {
  readonly type: T;
  readonly topic: string;
  readonly schema: S;
  /** What the event means, for the catalogue's readers. */
  readonly description: string;
}

export function defineEvent<const T extends string, S extends z.ZodType>(
  definition: EventDefinition<T, S>,
): EventDefinition<T, S> {
  if (!/^[a-z]+(-[a-z]+)*(\.[a-z]+(-[a-z]+)*)+\.v[1-9]\d*$/.test(definition.type)) {
    throw new Error(`Event type "${definition.type}" is not <aggregate>.<event>.v<N> in kebab case`);
  }
  return definition;
}

/** A set of event definitions keyed by type. */
export type EventCatalog = Readonly<Record<string, EventDefinition>>;

/** Builds a catalogue keyed by type from a list, refusing duplicates. */
export function eventCatalog<const D extends readonly EventDefinition[]>(
  definitions: D,
): { readonly [K in D[number] as K['type']]: K } {
  const catalog: Record<string, EventDefinition> = {};
  for (const definition of definitions) {
    if (catalog[definition.type]) throw new Error(`Event type "${definition.type}" is defined twice`);
    catalog[definition.type] = definition;
  }
  return catalog as { readonly [K in D[number] as K['type']]: K };
}

/** The payload type of an event definition. */
export type PayloadOf<D> = D extends EventDefinition<string, infer S> ? z.infer<S> : never;
