import { eventCatalog, type PayloadOf } from './event-definition';
import { ticketDispatchedV1, ticketReceivedV1 } from './ticket.events';

/** Every event the services exchange, by type. A new incompatible payload is a new version. */
export const EVENTS = eventCatalog([ticketReceivedV1, ticketDispatchedV1]);

export type EventType = keyof typeof EVENTS;
export type EventPayload<T extends EventType> = PayloadOf<(typeof EVENTS)[T]>;
export type TicketReceivedV1 = EventPayload<'ticket.received.v1'>;
export type TicketDispatchedV1 = EventPayload<'ticket.dispatched.v1'>;
