import type { Prisma } from '../generated/prisma/client';
import type { Caller } from '../privacy/caller-data.service';
import type { ReferenceReadModel } from '../reference/reference-read-model';
import type { TicketRow, TimelineRow } from './ticket.repository';

/** Names the views need from the reference read model. */
export interface ReferenceNames {
  unitName(unitId: string): string | null;
  categoryName(code: string): string | null;
}

/** The views' names from the reference read model. */
export function referenceNames(reference: ReferenceReadModel): ReferenceNames {
  return {
    unitName: (unitId) => reference.unitName(unitId) ?? null,
    categoryName: (code) => reference.catalogueItem(code)?.name ?? null,
  };
}

/**
 * A ticket as the 12345 center sees it, with its caller as the route decided: masked for whoever
 * does not need them, in the clear only where that read is logged (see privacy.policy.ts).
 */
export function ticketView(row: TicketRow, names: ReferenceNames, caller: Caller) {
  return {
    id: row.id,
    number: row.number,
    channel: row.channel,
    requestType: row.requestType,
    categoryCode: row.categoryCode,
    categoryName: row.categoryCode ? names.categoryName(row.categoryCode) : null,
    urgency: row.urgency,
    content: row.content,
    caller: { name: caller.name, phone: caller.phone, confidential: row.confidential },
    location: locationView(row),
    media: row.media,
    status: row.status,
    suggestion: row.suggestion,
    directReply: row.directReply,
    diversion: row.diversionReason ? { reason: row.diversionReason, note: row.diversionNote ?? '' } : null,
    masterTicketId: row.masterTicketId,
    leadUnit: row.leadUnitId ? { id: row.leadUnitId, name: names.unitName(row.leadUnitId) } : null,
    replyDueAt: row.replyDueAt?.toISOString() ?? null,
    operatorId: row.operatorId,
    residentSubject: row.residentSubject,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
  };
}

/** A resident's own ticket: what they sent, where it stands, unit names — never staff data. */
export function residentTicketView(row: TicketRow, names: ReferenceNames, timeline?: readonly TimelineRow[]) {
  // The answer the resident got: the operator's (直办), or the lead unit's latest reply (办结).
  const unitReply = timeline?.findLast((entry) => entry.kind === 'replied')?.detail as
    Prisma.JsonObject | undefined;
  return {
    id: row.id,
    number: row.number,
    channel: row.channel,
    requestType: row.requestType,
    categoryName: row.categoryCode ? names.categoryName(row.categoryCode) : null,
    content: row.content,
    location: locationView(row),
    media: row.media,
    status: row.status,
    handledBy: row.leadUnitId ? names.unitName(row.leadUnitId) : null,
    replyDueAt: row.replyDueAt?.toISOString() ?? null,
    reply: row.directReply ?? (typeof unitReply?.['content'] === 'string' ? unitReply['content'] : null),
    createdAt: row.createdAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
    ...(timeline ? { timeline: timeline.map(timelineView) } : {}),
  };
}

export function timelineView(entry: TimelineRow) {
  return { kind: entry.kind, at: entry.at.toISOString(), ...(entry.detail as Prisma.JsonObject) };
}

function locationView(row: TicketRow) {
  return {
    districtCode: row.districtCode,
    streetCode: row.streetCode,
    communityCode: row.communityCode,
    address: row.address,
    lng: row.lng,
    lat: row.lat,
    source:
      row.sourceCrs && row.sourceLng !== null && row.sourceLat !== null
        ? { crs: row.sourceCrs, lng: row.sourceLng, lat: row.sourceLat }
        : null,
  };
}
