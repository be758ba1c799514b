import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_TIME_LIMITS, URGENCY_CLASSES } from '@jsjb/contracts';
import { auditNote, Clock, PLATFORM_CONFIG } from '@jsjb/platform';
import type { IntakeConfig } from '../config';
import { ReferenceReadModel } from '../reference/reference-read-model';
import { normalizePhone, TICKET_STATUSES } from '../tickets/ticket.domain';
import { type CreateTicket, TicketService } from '../tickets/ticket.service';
import { type Open311Client, open311Clients } from './open311.config';
import {
  checkJurisdiction,
  type CreateOpen311RequestCommand,
  type Open311CatalogueItem,
  type Open311FormInput,
  type Open311RenderOptions,
  type Open311Result,
  type Open311TicketView,
  parseCreateRequestForm,
  parseRequestsQuery,
  toOpen311Discovery,
  toOpen311RequestCreated,
  toOpen311ServiceDefinition,
  toOpen311ServiceList,
  toOpen311ServiceRequests,
} from './open311.domain';
import { Open311Exception } from './open311.errors';
import { Open311Repository, type PublicTicketRow } from './open311.repository';
import type { Open311Documents } from './open311.schemas';

/**
 * Open311 GeoReport v2 over intake: services from the dispatch catalogue in force, requests as
 * tickets of the open311 channel, the public view of tickets. Failures are Open311Exceptions, which
 * the controller's filter writes in the specification's error format.
 */
@Injectable()
export class Open311Service {
  private readonly clients: readonly { client: Open311Client; digest: Buffer }[];
  private readonly render: Open311RenderOptions;
  private readonly startedAt: Date;

  constructor(
    private readonly tickets: TicketService,
    private readonly repository: Open311Repository,
    private readonly reference: ReferenceReadModel,
    private readonly clock: Clock,
    @Inject(PLATFORM_CONFIG) private readonly config: IntakeConfig,
  ) {
    this.clients = open311Clients(config).map((client) => ({ client, digest: digest(client.key) }));
    this.render = { utcOffsetMinutes: config.OPEN311_UTC_OFFSET_MINUTES };
    this.startedAt = clock.now();
  }

  /** Service discovery; the changeset is when the catalogue in force was applied. */
  async discovery(): Promise<Open311Documents['discovery']> {
    return toOpen311Discovery({
      changeset: (await this.repository.catalogueAppliedAt()) ?? this.startedAt,
      contact: this.config.OPEN311_CONTACT,
      keyService: this.config.OPEN311_KEY_SERVICE,
      endpoints: [
        {
          url: this.config.OPEN311_PUBLIC_URL,
          type: this.config.NODE_ENV === 'production' ? 'production' : 'test',
        },
      ],
    });
  }

  services(query: Open311FormInput): Open311Documents['serviceList'] {
    this.checkJurisdiction(query);
    return toOpen311ServiceList(this.reference.catalogueItems());
  }

  serviceDefinition(code: string, query: Open311FormInput): Open311Documents['serviceDefinition'] {
    this.checkJurisdiction(query);
    const item = this.catalogueItem(code);
    if (!item) throw Open311Exception.of(404, `service_code ${code} was not found`);
    return toOpen311ServiceDefinition(item);
  }

  /**
   * POST requests: a ticket from the open311 channel, sent on for dispatch at once (no operator
   * triage) unless a possible duplicate holds it for an operator. The api_key is checked before the
   * rest of the form. The client's IP is not screened: it is the integrator's server, shared by all
   * of its residents; the caller's phone is.
   */
  async create(form: string): Promise<Open311Documents['requestCreated']> {
    const clientOfKey = new Map<string, Open311Client>();
    const command = this.valueOf(
      parseCreateRequestForm(form, {
        findService: (code) => this.catalogueItem(code),
        ...(this.config.OPEN311_JURISDICTION_ID !== undefined && {
          jurisdictionId: this.config.OPEN311_JURISDICTION_ID,
        }),
        isApiKeyValid: (key) => {
          const client = this.clientOf(key);
          if (client) {
            clientOfKey.set(key, client);
            // The audit trail's actor of this public route, also when the rest of the form is refused.
            auditNote({ actor: { subject: client.clientId, role: 'open311_client' } });
          }
          return client !== null;
        },
      }),
    );
    const client = clientOfKey.get(command.apiKey);
    if (!client) throw Open311Exception.of(403, 'api_key is not valid');
    const { ticket } = await this.tickets.create(this.ticketOf(command, client));
    auditNote({ resourceIds: { id: ticket.id }, after: { number: ticket.number, status: ticket.status } });
    const forwarded = ticket.status === 'forwarded';
    return toOpen311RequestCreated({
      number: ticket.number,
      accountId: command.contact.accountId,
      replyWithinMinutes: forwarded ? replyLimit(ticket.urgency) : null,
    });
  }

  /** GET requests: by ids, or a search over a window of at most 90 days. */
  async requests(query: Open311FormInput): Promise<Open311Documents['serviceRequests']> {
    const parsed = this.valueOf(
      parseRequestsQuery(query, this.clock.now(), {
        ...(this.config.OPEN311_JURISDICTION_ID !== undefined && {
          jurisdictionId: this.config.OPEN311_JURISDICTION_ID,
        }),
      }),
    );
    switch (parsed.kind) {
      case 'ids': {
        const rows = await this.repository.findByNumbers(parsed.serviceRequestIds);
        const byNumber = new Map(rows.map((r) => [r.number, r]));
        // In the order asked for; unknown ids are left out, as the specification's lists do.
        const found = parsed.serviceRequestIds.flatMap((id) => byNumber.get(id) ?? []);
        return toOpen311ServiceRequests(await this.views(found), this.render);
      }
      case 'search': {
        const rows = await this.repository.search(parsed);
        return toOpen311ServiceRequests(await this.views(rows), this.render);
      }
    }
  }

  /** GET requests/{id}: one request, in a list as the specification has it. */
  async request(id: string, query: Open311FormInput): Promise<Open311Documents['serviceRequests']> {
    this.checkJurisdiction(query);
    const rows = id.length <= 64 ? await this.repository.findByNumbers([id]) : [];
    if (rows.length === 0) throw Open311Exception.of(404, `service_request_id ${id} was not found`);
    return toOpen311ServiceRequests(await this.views(rows), this.render);
  }

  /**
   * GET tokens/{id}: every service is realtime — POST requests answers with the service_request_id
   * at once — so no token is ever issued and every token is unknown.
   */
  token(id: string, query: Open311FormInput): never {
    this.checkJurisdiction(query);
    throw Open311Exception.of(
      404,
      `token ${id} was not found: requests are created at once and POST requests answers with their service_request_id`,
    );
  }

  private ticketOf(command: CreateOpen311RequestCommand, client: Open311Client): CreateTicket {
    const phone = command.contact.phone === null ? undefined : normalizePhone(command.contact.phone);
    if (phone === null) {
      throw Open311Exception.of(
        400,
        'phone is not a mainland mobile (1xxxxxxxxxx) or landline (0xx-xxxxxxxx) number',
      );
    }
    return {
      source: { kind: 'open311', clientId: client.clientId },
      channel: 'open311',
      requestType: command.requestType ?? undefined,
      categoryCode: command.serviceCode,
      content: command.description,
      caller: {
        name: command.contact.name ?? undefined,
        phone,
        confidential: command.confidential,
      },
      location: {
        ...this.areaCodes(command.addressId),
        address: command.address ?? undefined,
        coordinates:
          command.lat !== null && command.lng !== null
            ? { lng: command.lng, lat: command.lat, crs: 'WGS84' }
            : undefined,
      },
      media: command.mediaUrl === null ? [] : [command.mediaUrl],
    };
  }

  /**
   * address_id — "the internal address ID used by a jurisdiction's master address repository": here
   * the code of an area of the territory (a district, street, community or grid), read as the
   * district, street and community codes a ticket records.
   */
  private areaCodes(
    addressId: string | null,
  ): Pick<CreateTicket['location'], 'districtCode' | 'streetCode' | 'communityCode'> {
    if (addressId === null) return {};
    if (!this.reference.area(addressId)) {
      throw Open311Exception.of(
        400,
        `address_id ${addressId} was not found: send an area code of the territory`,
      );
    }
    return {
      districtCode: this.reference.ancestor(addressId, 'district')?.code,
      streetCode: this.reference.ancestor(addressId, 'street')?.code,
      communityCode: this.reference.ancestor(addressId, 'community')?.code,
    };
  }

  private async views(rows: readonly PublicTicketRow[]): Promise<Open311TicketView[]> {
    const masters = await this.repository.numbersOf(
      rows.flatMap((r) => (r.status === 'merged' && r.masterTicketId !== null ? [r.masterTicketId] : [])),
    );
    return rows.map((row) => {
      const status = TICKET_STATUSES.find((s) => s === row.status);
      if (!status) throw new RangeError(`ticket ${row.number} has an unknown status "${row.status}"`);
      return {
        number: row.number,
        status,
        categoryCode: row.categoryCode,
        categoryName: row.categoryCode
          ? (this.reference.catalogueItem(row.categoryCode)?.name ?? null)
          : null,
        content: row.content,
        confidential: row.confidential,
        address: row.address,
        lat: row.lat,
        lng: row.lng,
        mediaUrls: row.media,
        leadUnitName: row.leadUnitId ? (this.reference.unitName(row.leadUnitId) ?? null) : null,
        replyDueAt: row.replyDueAt,
        masterNumber: row.masterTicketId ? (masters.get(row.masterTicketId) ?? null) : null,
        diversionReason: row.diversionReason,
        receivedAt: row.createdAt,
        updatedAt: row.updatedAt,
        closedAt: row.closedAt,
      };
    });
  }

  private catalogueItem(code: string): Open311CatalogueItem | undefined {
    return this.reference.catalogueItem(code);
  }

  /** The client whose key this is; keys are compared by digest in constant time. */
  private clientOf(key: string): Open311Client | null {
    const sent = digest(key);
    let found: Open311Client | null = null;
    for (const { client, digest: expected } of this.clients) {
      if (timingSafeEqual(sent, expected)) found = client;
    }
    return found;
  }

  private checkJurisdiction(query: Open311FormInput): void {
    const failure = checkJurisdiction(query, this.config.OPEN311_JURISDICTION_ID);
    if (failure) throw new Open311Exception(failure);
  }

  private valueOf<T>(result: Open311Result<T>): T {
    if (!result.ok) throw new Open311Exception(result.failure);
    return result.value;
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The nominal reply limit of the ticket's urgency class (DB11/T), told in the POST answer. */
function replyLimit(urgency: string): number | null {
  const known = URGENCY_CLASSES.find((u) => u === urgency);
  return known ? DEFAULT_TIME_LIMITS[known].reply : null;
}
