import { eventCatalog, type PayloadOf } from './event-definition';
import { ticketClosedDirectlyV1, ticketDivertedV1, ticketMergedV1, ticketRatedV1 } from './intake.events';
import { slaBreachedV1, slaWarnedV1 } from './sla.events';
import { catalogueChangedV1, territoryChangedV1, unitsChangedV1 } from './reference.events';
import { ticketDispatchedV1, ticketReceivedV1 } from './ticket.events';
import { whistleBlownV1, whistleCheckedInV1, whistleClosedV1 } from './whistle.events';
import {
  assignmentReturnedV1,
  assignmentSignedV1,
  disputeDecidedV1,
  extensionDecidedV1,
  extensionRequestedV1,
  residentContactedV1,
  ticketProgressedV1,
  ticketRedispatchedV1,
  ticketRepliedV1,
  ticketReopenedV1,
} from './workflow.events';

/** Every event the services exchange, by type. A new incompatible payload is a new version. */
export const EVENTS = eventCatalog([
  ticketReceivedV1,
  ticketClosedDirectlyV1,
  ticketDivertedV1,
  ticketMergedV1,
  ticketDispatchedV1,
  assignmentSignedV1,
  assignmentReturnedV1,
  disputeDecidedV1,
  ticketRedispatchedV1,
  residentContactedV1,
  ticketProgressedV1,
  extensionRequestedV1,
  extensionDecidedV1,
  ticketRepliedV1,
  ticketReopenedV1,
  ticketRatedV1,
  slaWarnedV1,
  slaBreachedV1,
  whistleBlownV1,
  whistleCheckedInV1,
  whistleClosedV1,
  territoryChangedV1,
  unitsChangedV1,
  catalogueChangedV1,
]);

export type EventType = keyof typeof EVENTS;
export type EventPayload<T extends EventType> = PayloadOf<(typeof EVENTS)[T]>;
export type TicketReceivedV1 = EventPayload<'ticket.received.v1'>;
export type TicketClosedDirectlyV1 = EventPayload<'ticket.closed-directly.v1'>;
export type TicketDivertedV1 = EventPayload<'ticket.diverted.v1'>;
export type TicketMergedV1 = EventPayload<'ticket.merged.v1'>;
export type TicketRatedV1 = EventPayload<'ticket.rated.v1'>;
export type TicketDispatchedV1 = EventPayload<'ticket.dispatched.v1'>;
export type AssignmentSignedV1 = EventPayload<'assignment.signed.v1'>;
export type AssignmentReturnedV1 = EventPayload<'assignment.returned.v1'>;
export type DisputeDecidedV1 = EventPayload<'dispute.decided.v1'>;
export type TicketRedispatchedV1 = EventPayload<'ticket.redispatched.v1'>;
export type ResidentContactedV1 = EventPayload<'resident.contacted.v1'>;
export type TicketProgressedV1 = EventPayload<'ticket.progressed.v1'>;
export type ExtensionRequestedV1 = EventPayload<'extension.requested.v1'>;
export type ExtensionDecidedV1 = EventPayload<'extension.decided.v1'>;
export type TicketRepliedV1 = EventPayload<'ticket.replied.v1'>;
export type TicketReopenedV1 = EventPayload<'ticket.reopened.v1'>;
export type SlaWarnedV1 = EventPayload<'sla.warned.v1'>;
export type SlaBreachedV1 = EventPayload<'sla.breached.v1'>;
export type WhistleBlownV1 = EventPayload<'whistle.blown.v1'>;
export type WhistleCheckedInV1 = EventPayload<'whistle.checked-in.v1'>;
export type WhistleClosedV1 = EventPayload<'whistle.closed.v1'>;
export type TerritoryChangedV1 = EventPayload<'territory.changed.v1'>;
export type UnitsChangedV1 = EventPayload<'units.changed.v1'>;
export type CatalogueChangedV1 = EventPayload<'catalogue.changed.v1'>;
