import { defineEvent, eventCatalog } from '@jsjb/contracts';
import type { Kafka } from 'kafkajs';
import { z } from 'zod';
import type { TransactionRunner } from '../sql';
import { EventConsumerServer, EventWiringError } from './event-consumer.server';

const catalog = eventCatalog([
  defineEvent({ type: 'ticket.received.v1', topic: 't', description: '', schema: z.object({}) }),
  defineEvent({ type: 'ticket.dispatched.v1', topic: 't', description: '', schema: z.object({}) }),
]);

function sut(consumes: string[], handlers: string[]): EventConsumerServer {
  const server = new EventConsumerServer({
    kafka: {} as Kafka,
    groupId: 'g',
    catalog,
    consumes,
    transactions: {} as TransactionRunner,
  });
  for (const pattern of handlers) server.addHandler(pattern, () => Promise.resolve(undefined), true);
  return server;
}

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    if (error instanceof EventWiringError) return error.code;
    throw error;
  }
  return undefined;
}

describe('event handler wiring, checked at boot', () => {
  it('accepts exactly one handler per consumed type', () => {
    expect(sut(['ticket.received.v1'], ['ticket.received.v1']).checkWiring()).toEqual(['ticket.received.v1']);
    expect(sut([], []).checkWiring()).toEqual([]);
  });

  it('refuses two handlers for one type', () => {
    expect(
      codeOf(() => sut(['ticket.received.v1'], ['ticket.received.v1', 'ticket.received.v1']).checkWiring()),
    ).toBe('MESSAGING.DUPLICATE_HANDLER');
  });

  it('refuses a consumed type without a handler', () => {
    expect(
      codeOf(() => sut(['ticket.received.v1', 'ticket.dispatched.v1'], ['ticket.received.v1']).checkWiring()),
    ).toBe('MESSAGING.MISSING_HANDLER');
  });

  it('refuses a handler for a type the catalogue does not know', () => {
    expect(codeOf(() => sut([], ['ticket.received']).checkWiring())).toBe('MESSAGING.UNKNOWN_EVENT_TYPE');
  });

  it('refuses a handler the service does not declare it consumes', () => {
    expect(codeOf(() => sut([], ['ticket.dispatched.v1']).checkWiring())).toBe(
      'MESSAGING.UNDECLARED_HANDLER',
    );
  });
});
