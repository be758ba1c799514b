import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { GroupBatcher, PLATFORM_CONFIG } from '@jsjb/platform';
import type { Prisma, Ticket } from '../generated/prisma/client';
import {
  bestDuplicate,
  type DuplicateCandidate,
  type DuplicateReason,
  type DuplicateRules,
} from './duplicate.domain';
import { type CandidateQuery, DuplicateRepository, type NewSuggestion } from './duplicate.repository';
import type { DuplicatesConfig } from './duplicates.config';

const HOUR = 3_600_000;
/** Probes one candidate read serves (≤ 3 rules × ~15 parameters each). */
const MAX_READ_BATCH = 100;

/** An earlier ticket the new one repeats (重复诉求), and how sure intake is. */
export interface DuplicateFinding {
  masterId: string;
  masterNumber: string;
  reason: DuplicateReason;
  /** 0..1 text similarity. */
  similarity: number;
  /** True when configuration allows automatic merges and the similarity clears their threshold. */
  automatic: boolean;
}

/** 重复诉求 detection at intake: finds the master a new ticket repeats and records suggestions. */
@Injectable()
export class DuplicateService {
  private readonly rules: DuplicateRules;
  private readonly maxCandidates: number;
  private readonly reads: GroupBatcher<CandidateQuery, DuplicateCandidate[]>;

  constructor(
    private readonly repository: DuplicateRepository,
    @Inject(PLATFORM_CONFIG) config: DuplicatesConfig,
  ) {
    this.rules = {
      callerWindowMs: config.DUPLICATE_CALLER_WINDOW_HOURS * HOUR,
      placeWindowMs: config.DUPLICATE_PLACE_WINDOW_HOURS * HOUR,
      callerSimilarity: config.DUPLICATE_CALLER_SIMILARITY,
      placeSimilarity: config.DUPLICATE_PLACE_SIMILARITY,
      placeRadiusMetres: config.DUPLICATE_PLACE_RADIUS_METRES,
      autoMerge: config.DUPLICATE_AUTO_MERGE,
      autoMergeSimilarity: config.DUPLICATE_AUTO_MERGE_SIMILARITY,
    };
    this.maxCandidates = config.DUPLICATE_MAX_CANDIDATES;
    this.reads = new GroupBatcher((queries) => repository.candidatesOf(queries), MAX_READ_BATCH);
  }

  /**
   * The master a new ticket repeats, if any (read before the ticket is stored). The reads of
   * concurrent creates go together in one statement (GroupBatcher).
   */
  async find(ticket: Ticket, at: Date): Promise<DuplicateFinding | null> {
    const query = this.queryFor(ticket, at);
    return bestDuplicate(query.probe, await this.reads.submit(query), this.rules, at);
  }

  private queryFor(ticket: Ticket, at: Date): CandidateQuery {
    return {
      probe: {
        id: ticket.id,
        callerPhoneHash: ticket.callerPhoneHash,
        residentSubject: ticket.residentSubject,
        categoryCode: ticket.categoryCode,
        communityCode: ticket.communityCode,
        lng: ticket.lng,
        lat: ticket.lat,
        content: ticket.content,
        createdAt: ticket.createdAt,
      },
      callerSince: new Date(at.getTime() - this.rules.callerWindowMs),
      placeSince: new Date(at.getTime() - this.rules.placeWindowMs),
      until: at,
      radiusMetres: this.rules.placeRadiusMetres,
      limit: this.maxCandidates,
    };
  }

  /** The open suggestion to record with a new ticket (in its create's statement). */
  suggestion(ticketId: string, finding: DuplicateFinding, at: Date): NewSuggestion {
    return {
      id: randomUUID(),
      ticketId,
      masterId: finding.masterId,
      reason: finding.reason,
      similarity: finding.similarity,
      status: 'open',
      createdAt: at,
    };
  }

  /** The ticket took a triage outcome: its open suggestions have nothing left to decide. */
  async settle(tx: Prisma.TransactionClient, ticketId: string, at: Date, by: string): Promise<void> {
    await this.repository.staleOpen(tx, ticketId, at, by);
  }
}
