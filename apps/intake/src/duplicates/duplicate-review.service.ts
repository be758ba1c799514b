import { Injectable } from '@nestjs/common';
import { Clock, ConflictError, NotFoundError } from '@jsjb/platform';
import { TicketService } from '../tickets/ticket.service';
import type { DuplicateReason, SuggestionStatus } from './duplicate.domain';
import { DuplicateRepository, type SuggestedTicketRow, type SuggestionRow } from './duplicate.repository';
import type { SuggestionQuery } from './duplicates.dto';

/** Masters are roots; a chain longer than this means concurrent merges went round in circles. */
const MAX_MASTER_HOPS = 5;

export function suggestionNotFound(id: string): NotFoundError {
  return new NotFoundError('DUPLICATE_SUGGESTION.NOT_FOUND', `No duplicate suggestion ${id}.`);
}

function alreadyDecided(row: SuggestionRow): ConflictError {
  return new ConflictError(
    'DUPLICATE_SUGGESTION.DECIDED',
    `Duplicate suggestion ${row.id} is ${row.status}${row.decidedBy ? ` (by ${row.decidedBy})` : ''}.`,
  );
}

function ticketView(row: SuggestedTicketRow | undefined) {
  if (!row) return null;
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    channel: row.channel,
    categoryCode: row.categoryCode,
    content: row.content,
    address: row.address,
    createdAt: row.createdAt.toISOString(),
  };
}

function suggestionView(row: SuggestionRow, tickets: ReadonlyMap<string, SuggestedTicketRow>) {
  return {
    id: row.id,
    reason: row.reason as DuplicateReason,
    similarity: Math.round(row.similarity * 1000) / 1000,
    status: row.status as SuggestionStatus,
    createdAt: row.createdAt.toISOString(),
    decidedAt: row.decidedAt?.toISOString() ?? null,
    decidedBy: row.decidedBy,
    ticket: ticketView(tickets.get(row.ticketId)),
    master: ticketView(tickets.get(row.masterId)),
  };
}

export type SuggestionView = ReturnType<typeof suggestionView>;

/**
 * The operators' side of 重复诉求: the queue of open suggestions, 并单 (merge into the master) and
 * dismissal. A ticket that left `pending` before anyone decided makes its suggestion stale.
 */
@Injectable()
export class DuplicateReviewService {
  constructor(
    private readonly repository: DuplicateRepository,
    private readonly tickets: TicketService,
    private readonly clock: Clock,
  ) {}

  async list(query: SuggestionQuery) {
    const { total, rows } = await this.repository.listSuggestions(query.status, {
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    const tickets = await this.ticketsOf(rows);
    return {
      total,
      page: query.page,
      pageSize: query.pageSize,
      items: rows.map((row) => suggestionView(row, tickets)),
    };
  }

  /**
   * 并单 — closes the suggested ticket as a duplicate of the master (its master, when the suggested
   * master was merged meanwhile). A ticket no longer pending is answered with 409, and the suggestion
   * is marked stale.
   */
  async merge(id: string, operatorId: string): Promise<SuggestionView> {
    const suggestion = await this.open(id);
    const now = this.clock.now();
    const master = await this.rootMaster(suggestion.masterId);
    if (master === null || master.status === 'diverted' || master.id === suggestion.ticketId) {
      await this.repository.decide(id, ['open'], { status: 'stale', decidedAt: now, decidedBy: operatorId });
      throw new ConflictError(
        'DUPLICATE_SUGGESTION.MASTER_CLOSED',
        `The suggested master ${master?.number ?? suggestion.masterId} can no longer take duplicates.`,
      );
    }
    try {
      await this.tickets.mergeInto(
        suggestion.ticketId,
        {
          masterId: master.id,
          masterNumber: master.number,
          reason: suggestion.reason as DuplicateReason,
          similarity: suggestion.similarity,
          automatic: false,
        },
        operatorId,
      );
    } catch (error) {
      if (error instanceof ConflictError) {
        await this.repository.decide(id, ['open'], {
          status: 'stale',
          decidedAt: now,
          decidedBy: operatorId,
        });
      }
      throw error;
    }
    // The merge happened: this is its record even if a concurrent attempt marked it stale first.
    await this.repository.decide(id, ['open', 'stale'], {
      status: 'merged',
      decidedAt: now,
      decidedBy: operatorId,
    });
    await this.repository.staleOthers(suggestion.ticketId, id, now, operatorId);
    return this.view(id);
  }

  /**
   * Not a duplicate. A resident's or Open311 ticket held back for this suggestion (no operator took it)
   * is then sent on for dispatch, so that the dismissal never leaves a genuine request waiting.
   */
  async dismiss(id: string, operatorId: string): Promise<SuggestionView & { forwarded: boolean }> {
    const suggestion = await this.open(id);
    const now = this.clock.now();
    const decided = await this.repository.decide(id, ['open'], {
      status: 'dismissed',
      decidedAt: now,
      decidedBy: operatorId,
    });
    if (!decided) throw alreadyDecided((await this.repository.findSuggestion(id)) ?? suggestion);
    let forwarded = false;
    const ticket = await this.repository.findTicket(suggestion.ticketId);
    if (
      ticket?.status === 'pending' &&
      ticket.operatorId === null &&
      (await this.repository.countOpenFor(ticket.id)) === 0
    ) {
      try {
        await this.tickets.triage(ticket.id, { outcome: 'dispatch' }, operatorId);
        forwarded = true;
      } catch (error) {
        // Triaged by someone else in the meantime: it went its way.
        if (!(error instanceof ConflictError)) throw error;
      }
    }
    return { ...(await this.view(id)), forwarded };
  }

  private async open(id: string): Promise<SuggestionRow> {
    const suggestion = await this.repository.findSuggestion(id);
    if (!suggestion) throw suggestionNotFound(id);
    if (suggestion.status !== 'open') throw alreadyDecided(suggestion);
    return suggestion;
  }

  private async rootMaster(masterId: string): Promise<SuggestedTicketRow | null> {
    let master = await this.repository.findTicket(masterId);
    for (let hop = 0; master?.masterTicketId && hop < MAX_MASTER_HOPS; hop++) {
      master = await this.repository.findTicket(master.masterTicketId);
    }
    return master;
  }

  private async view(id: string): Promise<SuggestionView> {
    const row = await this.repository.findSuggestion(id);
    if (!row) throw suggestionNotFound(id);
    return suggestionView(row, await this.ticketsOf([row]));
  }

  private async ticketsOf(rows: readonly SuggestionRow[]): Promise<Map<string, SuggestedTicketRow>> {
    const ids = [...new Set(rows.flatMap((r) => [r.ticketId, r.masterId]))];
    return new Map((await this.repository.tickets(ids)).map((t) => [t.id, t]));
  }
}
