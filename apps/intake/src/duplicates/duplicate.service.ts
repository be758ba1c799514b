import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG } from '@jsjb/platform';
import type { Prisma, Ticket } from '../generated/prisma/client';
import { bestDuplicate, type DuplicateReason, type DuplicateRules } from './duplicate.domain';
import { DuplicateRepository } from './duplicate.repository';
import type { DuplicatesConfig } from './duplicates.config';

const HOUR = 3_600_000;

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
  }

  /** Within the caller's transaction, after the new ticket row is inserted. */
  async find(tx: Prisma.TransactionClient, ticket: Ticket, at: Date): Promise<DuplicateFinding | null> {
    const probe = {
      id: ticket.id,
      callerPhone: ticket.callerPhone,
      residentSubject: ticket.residentSubject,
      categoryCode: ticket.categoryCode,
      communityCode: ticket.communityCode,
      lng: ticket.lng,
      lat: ticket.lat,
      content: ticket.content,
      createdAt: ticket.createdAt,
    };
    const candidates = await this.repository.candidates(tx, {
      probe,
      callerSince: new Date(at.getTime() - this.rules.callerWindowMs),
      placeSince: new Date(at.getTime() - this.rules.placeWindowMs),
      until: at,
      radiusMetres: this.rules.placeRadiusMetres,
      limit: this.maxCandidates,
    });
    return bestDuplicate(probe, candidates, this.rules, at);
  }

  /** Records a suggestion (status 'open') for operators to decide. */
  async suggest(
    tx: Prisma.TransactionClient,
    ticketId: string,
    finding: DuplicateFinding,
    at: Date,
  ): Promise<void> {
    await this.repository.addSuggestion(tx, {
      id: randomUUID(),
      ticketId,
      masterId: finding.masterId,
      reason: finding.reason,
      similarity: finding.similarity,
      status: 'open',
      createdAt: at,
    });
  }

  /** The ticket took a triage outcome: its open suggestions have nothing left to decide. */
  async settle(tx: Prisma.TransactionClient, ticketId: string, at: Date, by: string): Promise<void> {
    await this.repository.staleOpen(tx, ticketId, at, by);
  }
}
