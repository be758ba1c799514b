import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  type EventType,
  type TicketClosedDirectlyV1,
  type TicketDivertedV1,
  type TicketMergedV1,
  type TicketReceivedV1,
} from '@jsjb/contracts';
import { Outbox, type OutboxRow } from '@jsjb/messaging';
import {
  AppError,
  auditNote,
  Clock,
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  PLATFORM_CONFIG,
  UnprocessableError,
} from '@jsjb/platform';
import { AbuseService } from '../abuse/abuse.service';
import type { IntakeConfig } from '../config';
import { type DuplicateFinding, DuplicateService } from '../duplicates/duplicate.service';
import type { Prisma } from '../generated/prisma/client';
import type { AccessReader } from '../privacy/access-reader';
import { type Caller, CallerData, disclosedFields, maskCaller } from '../privacy/caller-data.service';
import { PersonalDataAccessService } from '../privacy/personal-data-access.service';
import { seesCallerUnmasked, unitContact } from '../privacy/privacy.policy';
import { ReferenceReadModel } from '../reference/reference-read-model';
import { TicketClassifier, type Suggestion } from './ticket-classifier';
import {
  canTriage,
  type Channel,
  type Crs,
  type RequestType,
  type TicketStatus,
  toWgs84,
  type Urgency,
} from './ticket.domain';
import type { Triage, TicketQuery } from './ticket.dto';
import { TicketNumbers } from './ticket-numbers';
import { TicketWriter } from './ticket-writer';
import {
  type NewTimelineEntry,
  TicketRepository,
  type TicketRow,
  type TimelineRow,
  type Tx,
} from './ticket.repository';

/** Who records a ticket: an operator on a call, a resident in the app, or an Open311 client. */
export type TicketSource =
  | { kind: 'operator'; operatorId: string }
  | { kind: 'resident'; subject: string }
  | { kind: 'open311'; clientId: string };

export interface CreateTicket {
  source: TicketSource;
  channel: Channel;
  requestType?: RequestType | undefined;
  categoryCode?: string | undefined;
  urgency?: Urgency | undefined;
  content: string;
  caller: { name?: string | undefined; phone?: string | undefined; confidential: boolean };
  location: {
    districtCode?: string | undefined;
    streetCode?: string | undefined;
    communityCode?: string | undefined;
    address?: string | undefined;
    coordinates?: { lng: number; lat: number; crs: Crs } | undefined;
  };
  media: string[];
  /** Omitted: an operator's ticket waits (pending); others are sent on for dispatch. */
  triage?: Triage | undefined;
  idempotencyKey?: string | undefined;
  clientIp?: string | undefined;
}

/** A triage or merge outcome: the ticket's changes, its event and its timeline entry. */
interface Outcome {
  changes: Partial<Omit<TicketRow, 'suggestion'>> & { status: TicketStatus; updatedAt: Date };
  event: { type: EventType; data: unknown };
  kind: string;
  detail: Prisma.InputJsonObject;
}

export interface CreatedTicket {
  ticket: TicketRow;
  /** False when an idempotent retry returned the ticket created earlier. */
  created: boolean;
  duplicate: DuplicateFinding | null;
}

/** 受理 and triage: records tickets, classifies, checks duplicates and abuse, and takes the outcome. */
@Injectable()
export class TicketService {
  constructor(
    private readonly tickets: TicketRepository,
    private readonly numbers: TicketNumbers,
    private readonly writer: TicketWriter,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly classifier: TicketClassifier,
    private readonly reference: ReferenceReadModel,
    private readonly duplicates: DuplicateService,
    private readonly abuse: AbuseService,
    private readonly callers: CallerData,
    private readonly access: PersonalDataAccessService,
    @Inject(PLATFORM_CONFIG) private readonly config: IntakeConfig,
  ) {}

  /** Suggests type, category and urgency for a text, as the create would. */
  classify(content: string): Suggestion {
    return this.classifier.classify(content);
  }

  async create(command: CreateTicket): Promise<CreatedTicket> {
    const scopedKey = command.idempotencyKey
      ? `${sourceScope(command.source)}:${command.idempotencyKey}`
      : null;
    const requestHash = scopedKey ? hashRequest(command) : null;
    this.checkReferences(command);
    const suggestion = this.classifier.classify(command.content);
    const now = this.clock.now();
    const screening = await this.abuse.screen({
      channel: command.channel,
      phone: command.caller.phone ?? null,
      ip: command.clientIp ?? null,
      content: command.content,
      at: now,
    });
    if (screening.throttled && command.channel !== 'hotline') {
      throw new AppError('INTAKE.RATE_LIMITED', 'Too many requests from this caller; try again later.', {
        status: 429,
        title: 'Too Many Requests',
        retryAfterSeconds: screening.throttled.retryAfterSeconds,
        errors: [
          {
            field: screening.throttled.limit === 'phone' ? 'caller.phone' : '(client)',
            code: 'rate_limited',
            message: `retry after ${screening.throttled.retryAfterSeconds} s`,
          },
        ],
      });
    }
    const received: TicketRow = {
      ...this.newRow(command, suggestion, now),
      number: await this.numbers.next(now),
      idempotencyKey: scopedKey,
      requestHash,
    };
    const duplicate = await this.duplicates.find(received, now);
    // Someone must look at a possible duplicate from the app before it goes out; on a call, the operator has.
    const triage =
      command.triage ??
      (command.source.kind === 'operator' || duplicate ? undefined : ({ outcome: 'dispatch' } as const));
    const outcome: Outcome | null = duplicate?.automatic
      ? this.mergeOutcome(received, duplicate, null, now)
      : triage
        ? this.triageOutcome(received, triage, operatorOf(command.source), now)
        : null;
    const ticket: TicketRow = outcome ? { ...received, ...outcome.changes } : received;
    const timeline: NewTimelineEntry[] = [
      {
        id: randomUUID(),
        kind: 'received',
        at: now,
        eventId: randomUUID(),
        detail: { channel: ticket.channel },
      },
    ];
    const events: OutboxRow[] = [];
    if (outcome) {
      const event = this.outbox.prepare({ ...outcome.event, subject: ticket.id, time: now });
      events.push(event);
      timeline.push({
        id: randomUUID(),
        kind: outcome.kind,
        at: now,
        eventId: event.id,
        detail: outcome.detail,
      });
    }
    const suggestions =
      duplicate && !duplicate.automatic ? [this.duplicates.suggestion(ticket.id, duplicate, now)] : [];
    const newTicket = { row: ticket, timeline, events, suggestions };
    // The common case goes through the group-commit writer; an abuse flag to record takes a transaction.
    const inserted =
      screening.flags.length === 0
        ? await this.writer.write(newTicket)
        : await this.tickets.transaction(async (tx) => {
            if (!(await this.tickets.insertMany([newTicket], tx)).has(ticket.id)) return false;
            await this.abuse.record(tx, screening, {
              phone: command.caller.phone ?? null,
              ip: ticket.clientIp,
              ticketId: ticket.id,
              at: now,
            });
            return true;
          });
    if (!inserted && scopedKey) {
      // The key was used before (a retry, or a concurrent one that won): answer with that ticket.
      const earlier = await this.tickets.findByIdempotencyKey(scopedKey);
      if (earlier)
        return { ticket: sameRequestOrThrow(earlier, requestHash), created: false, duplicate: null };
    }
    if (!inserted) throw new Error(`ticket ${ticket.number} was not stored`);
    return { ticket, created: true, duplicate };
  }

  /** 直办 / 分流 / 转办 on a pending ticket. */
  async triage(id: string, triage: Triage, operatorId: string): Promise<TicketRow> {
    return this.tickets.transaction(async (tx) => {
      const row = await this.tickets.lock(tx, id);
      if (!row) throw ticketNotFound(id);
      auditNote({ before: { status: row.status, categoryCode: row.categoryCode, urgency: row.urgency } });
      if (!canTriage(row.status as TicketStatus)) {
        throw new ConflictError(
          'TICKET.ALREADY_TRIAGED',
          `Ticket ${row.number} is ${row.status}; only a pending ticket takes a triage outcome.`,
        );
      }
      const now = this.clock.now();
      await this.duplicates.settle(tx, row.id, now, operatorId);
      return this.apply(tx, row, this.triageOutcome(row, triage, operatorId, now), now);
    });
  }

  /** 并单 — closes a pending ticket as a duplicate of its master (an operator confirmed a suggestion). */
  async mergeInto(ticketId: string, finding: DuplicateFinding, operatorId: string): Promise<TicketRow> {
    return this.tickets.transaction(async (tx) => {
      const row = await this.tickets.lock(tx, ticketId);
      if (!row) throw ticketNotFound(ticketId);
      auditNote({ resourceIds: { ticketId: row.id }, before: { status: row.status } });
      if (!canTriage(row.status as TicketStatus)) {
        throw new ConflictError(
          'TICKET.ALREADY_TRIAGED',
          `Ticket ${row.number} is ${row.status}; only a pending ticket can be merged.`,
        );
      }
      const now = this.clock.now();
      return this.apply(
        tx,
        row,
        this.mergeOutcome(row, { ...finding, automatic: false }, operatorId, now),
        now,
      );
    });
  }

  async get(id: string): Promise<TicketRow> {
    const row = await this.tickets.findById(id);
    if (!row) throw ticketNotFound(id);
    return row;
  }

  /**
   * A ticket for the center's view with its timeline and its caller: in the clear for a reader
   * (the center's roles), logged before it is returned; masked for everyone else (reader null).
   */
  async view(
    id: string,
    reader: AccessReader | null,
  ): Promise<{ row: TicketRow; caller: Caller; timeline: TimelineRow[] }> {
    const row = await this.get(id);
    const timeline = await this.tickets.timeline(row.id);
    const caller = this.callers.open(row);
    if (reader === null || !seesCallerUnmasked(reader.principal.role)) {
      return { row, caller: maskCaller(caller), timeline };
    }
    const fields = disclosedFields(caller);
    if (fields.length > 0) await this.access.record(reader, { ticketId: row.id, fields });
    return { row, caller, timeline };
  }

  /**
   * 联系诉求人 — the caller's contact for the unit that handles the ticket (its lead unit), logged
   * before it is returned. Another unit's ticket is not found; a confidential one is refused.
   */
  async contact(id: string, reader: AccessReader): Promise<{ row: TicketRow; caller: Caller }> {
    const row = await this.get(id);
    const { principal } = reader;
    if (principal.role === 'unit_staff') {
      switch (unitContact(row, principal.unitId)) {
        case 'not-found':
          throw ticketNotFound(id);
        case 'confidential':
          throw new ForbiddenError(
            'INTAKE.CALLER_CONFIDENTIAL',
            `The caller of ticket ${row.number} asked for confidential handling (保密): reach them through the 12345 hotline.`,
          );
        case 'disclose':
          break;
      }
    }
    const caller = this.callers.open(row);
    const fields = disclosedFields(caller);
    if (fields.length > 0) await this.access.record(reader, { ticketId: row.id, fields });
    return { row, caller };
  }

  /** A stored ticket's caller, masked: for every response that does not need them in the clear. */
  maskedCaller(row: TicketRow): Caller {
    return this.callers.masked(row);
  }

  search(query: TicketQuery): Promise<{ total: number; rows: TicketRow[] }> {
    return this.tickets.search(query, query.phone ? this.callers.hashPhone(query.phone) : null);
  }

  ofResident(subject: string, page: { page: number; pageSize: number }) {
    return this.tickets.ofResident(subject, page);
  }

  timeline(ticketId: string) {
    return this.tickets.timeline(ticketId);
  }

  /** What a triage outcome changes, which event it emits and how the timeline shows it. */
  private triageOutcome(row: TicketRow, triage: Triage, operatorId: string | null, now: Date): Outcome {
    const operator = { operatorId: row.operatorId ?? operatorId, updatedAt: now };
    switch (triage.outcome) {
      case 'dispatch': {
        const data: TicketReceivedV1 = {
          ticketId: row.id,
          number: row.number,
          channel: row.channel as Channel,
          requestType: row.requestType as RequestType,
          categoryCode: row.categoryCode,
          urgency: row.urgency as Urgency,
          content: row.content,
          location: {
            districtCode: row.districtCode,
            streetCode: row.streetCode,
            communityCode: row.communityCode,
            address: row.address,
            lng: row.lng,
            lat: row.lat,
          },
          confidential: row.confidential,
          receivedAt: row.createdAt.toISOString(),
        };
        return {
          changes: { ...operator, status: 'forwarded' },
          event: { type: 'ticket.received.v1', data },
          kind: 'forwarded',
          detail: {},
        };
      }
      case 'direct': {
        const data: TicketClosedDirectlyV1 = {
          ...closedAtIntake(row, operatorId),
          reply: triage.reply,
          closedAt: now.toISOString(),
        };
        return {
          changes: { ...operator, status: 'answered', directReply: triage.reply, closedAt: now },
          event: { type: 'ticket.closed-directly.v1', data },
          kind: 'answered',
          detail: { reply: triage.reply },
        };
      }
      case 'divert': {
        const data: TicketDivertedV1 = {
          ...closedAtIntake(row, operatorId),
          reason: triage.reason,
          note: triage.note,
          closedAt: now.toISOString(),
        };
        return {
          changes: {
            ...operator,
            status: 'diverted',
            diversionReason: triage.reason,
            diversionNote: triage.note,
            closedAt: now,
          },
          event: { type: 'ticket.diverted.v1', data },
          kind: 'diverted',
          detail: { reason: triage.reason, note: triage.note },
        };
      }
    }
  }

  private mergeOutcome(
    row: TicketRow,
    finding: DuplicateFinding,
    operatorId: string | null,
    now: Date,
  ): Outcome {
    const data: TicketMergedV1 = {
      ...closedAtIntake(row, operatorId),
      masterTicketId: finding.masterId,
      masterNumber: finding.masterNumber,
      reason: finding.reason,
      similarity: Math.round(finding.similarity * 1000) / 1000,
      automatic: finding.automatic,
      mergedAt: now.toISOString(),
    };
    return {
      changes: { status: 'merged', masterTicketId: finding.masterId, updatedAt: now, closedAt: now },
      event: { type: 'ticket.merged.v1', data },
      // The resident is told the master's number, where they can follow the matter.
      kind: 'merged',
      detail: { masterNumber: finding.masterNumber },
    };
  }

  /** Applies an outcome to a stored ticket: its changes, its event and its timeline entry. */
  private async apply(tx: Tx, row: TicketRow, outcome: Outcome, now: Date): Promise<TicketRow> {
    const eventId = await this.emit(tx, outcome.event.type, row.id, outcome.event.data, now);
    await this.addTimeline(tx, row.id, outcome.kind, now, eventId, outcome.detail);
    return this.tickets.update(tx, row.id, outcome.changes);
  }

  private async emit(tx: Tx, type: EventType, ticketId: string, data: unknown, time: Date): Promise<string> {
    const stored = await this.outbox.add(tx, { type, subject: ticketId, data, time });
    return stored.id;
  }

  private addTimeline(
    tx: Tx,
    ticketId: string,
    kind: string,
    at: Date,
    eventId: string,
    detail?: Prisma.InputJsonValue,
  ): Promise<void> {
    return this.tickets.addTimeline(tx, {
      id: randomUUID(),
      ticketId,
      kind,
      at,
      eventId,
      ...(detail ? { detail } : {}),
    });
  }

  /** Unknown catalogue or territory codes are 422s naming the code: the request is well-formed but refers to nothing. */
  private checkReferences(command: CreateTicket): void {
    const errors: FieldError[] = [];
    if (command.categoryCode && !this.reference.catalogueItem(command.categoryCode)) {
      errors.push({
        field: 'categoryCode',
        code: 'unknown_category',
        message: `${command.categoryCode} is not in the dispatch catalogue`,
      });
    }
    errors.push(
      ...this.reference
        .checkLocationCodes(command.location)
        .map((e) => ({ ...e, field: `location.${e.field}` })),
    );
    if (errors.length > 0) {
      const code =
        errors[0]?.code === 'unknown_category' ? 'TICKET.UNKNOWN_CATEGORY' : 'TICKET.UNKNOWN_LOCATION';
      throw new UnprocessableError(code, errors.map((e) => e.message).join('; '), errors);
    }
  }

  private newRow(command: CreateTicket, suggestion: Suggestion, now: Date): TicketRow {
    const coordinates = command.location.coordinates;
    const wgs84 = coordinates ? toWgs84(coordinates.crs, coordinates.lng, coordinates.lat) : null;
    const categoryCode = command.categoryCode ?? suggestion.category?.code ?? null;
    return {
      id: randomUUID(),
      number: '',
      channel: command.channel,
      requestType: command.requestType ?? suggestion.requestType.value,
      categoryCode,
      urgency: command.urgency ?? suggestion.urgency.value,
      content: command.content,
      // Sealed here, in microseconds: the plain name and number are never stored.
      ...this.callers.seal(command.caller),
      confidential: command.caller.confidential,
      districtCode: command.location.districtCode ?? null,
      streetCode: command.location.streetCode ?? null,
      communityCode: command.location.communityCode ?? null,
      address: command.location.address ?? null,
      lng: wgs84 ? round7(wgs84[0]) : null,
      lat: wgs84 ? round7(wgs84[1]) : null,
      sourceCrs: coordinates?.crs ?? null,
      sourceLng: coordinates?.lng ?? null,
      sourceLat: coordinates?.lat ?? null,
      media: command.media,
      operatorId: command.source.kind === 'operator' ? command.source.operatorId : null,
      residentSubject: command.source.kind === 'resident' ? command.source.subject : null,
      open311ClientId: command.source.kind === 'open311' ? command.source.clientId : null,
      clientIp: command.clientIp ?? null,
      status: 'pending',
      suggestion: suggestion as unknown as Prisma.JsonObject,
      directReply: null,
      diversionReason: null,
      diversionNote: null,
      masterTicketId: null,
      leadUnitId: null,
      replyDueAt: null,
      idempotencyKey: null,
      requestHash: null,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
    };
  }
}

function round7(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}

function sourceScope(source: TicketSource): string {
  switch (source.kind) {
    case 'operator':
      return `operator:${source.operatorId}`;
    case 'resident':
      return `resident:${source.subject}`;
    case 'open311':
      return `open311:${source.clientId}`;
  }
}

function operatorOf(source: TicketSource): string | null {
  return source.kind === 'operator' ? source.operatorId : null;
}

/** The request a key was first used with, canonically hashed: a retry must send the same body. */
function hashRequest(command: CreateTicket): string {
  const { idempotencyKey: _key, clientIp: _ip, ...body } = command;
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function sameRequestOrThrow(earlier: TicketRow, requestHash: string | null): TicketRow {
  if (earlier.requestHash !== requestHash) {
    throw new UnprocessableError(
      'IDEMPOTENCY.KEY_REUSED',
      `The Idempotency-Key was used for a different request (ticket ${earlier.number}).`,
      [{ field: 'Idempotency-Key', code: 'key_reused', message: 'use a new key for a new request' }],
    );
  }
  return earlier;
}

function closedAtIntake(row: TicketRow, operatorId: string | null) {
  return {
    ticketId: row.id,
    number: row.number,
    channel: row.channel as Channel,
    requestType: row.requestType as RequestType,
    categoryCode: row.categoryCode,
    urgency: row.urgency as Urgency,
    districtCode: row.districtCode,
    receivedAt: row.createdAt.toISOString(),
    operatorId: row.operatorId ?? operatorId,
  };
}

export function ticketNotFound(id: string): NotFoundError {
  return new NotFoundError('TICKET.NOT_FOUND', `No ticket ${id}.`);
}
