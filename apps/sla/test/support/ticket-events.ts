import { randomUUID } from 'node:crypto';
import type { TicketDispatchedV1, TicketReceivedV1 } from '@jsjb/contracts';

type DispatchedAssignment = TicketDispatchedV1['assignments'][number];

/**
 * A `ticket.received.v1` as intake publishes it: a general hotline complaint about construction noise
 * on 建外街道 (朝阳区), received at `receivedAt`. `overrides` set what a test is about.
 */
export function ticketReceived(
  receivedAt: Date,
  overrides: Partial<TicketReceivedV1> = {},
): TicketReceivedV1 {
  return {
    ticketId: `T-${randomUUID()}`,
    number: '20261123000001',
    channel: 'hotline',
    requestType: 'complaint',
    categoryCode: 'urban.noise',
    urgency: 'general',
    content: '夜间施工噪音扰民',
    location: jianwaiLocation(),
    confidential: false,
    receivedAt: receivedAt.toISOString(),
    ...overrides,
  };
}

/** A place on 建外街道 (朝阳区), with no community, address or coordinates (a new object each call). */
export function jianwaiLocation(): TicketReceivedV1['location'] {
  return {
    districtCode: '110105',
    streetCode: '110105001',
    communityCode: null,
    address: null,
    lng: null,
    lat: null,
  };
}

/** One assignment of a `ticket.dispatched.v1`, with a new id, neither emergency nor on duty. */
export function dispatchedAssignment(
  unitId: string,
  role: DispatchedAssignment['role'],
): DispatchedAssignment {
  return { assignmentId: `A-${randomUUID()}`, unitId, role, emergency: false, onDutyStaffId: null };
}
