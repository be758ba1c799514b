import type { DUPLICATE_REASONS } from '@jsjb/contracts';
import { distanceMetres } from '../tickets/ticket.domain';
import { bigrams, diceOf } from './similarity.domain';

/** Why a ticket is taken for a duplicate: the same caller, or the same place and category. */
export type DuplicateReason = (typeof DUPLICATE_REASONS)[number];

/**
 * A 重复诉求 suggestion's life: open until an operator merges (并单) or dismisses it; stale when the
 * ticket left `pending` another way (triaged, or merged through another suggestion) before anyone decided.
 */
export const SUGGESTION_STATUSES = ['open', 'merged', 'dismissed', 'stale'] as const;
export type SuggestionStatus = (typeof SUGGESTION_STATUSES)[number];

/** Statuses whose tickets cannot be a master: merged ones have their own master, diverted ones were never taken up. */
export const NOT_MASTER_STATUSES: readonly string[] = ['merged', 'diverted'];

/** When two tickets are one matter (configuration; see duplicates.config.ts). */
export interface DuplicateRules {
  /** How far back a ticket of the same caller counts (ms). */
  callerWindowMs: number;
  /** How far back a ticket at the same place in the same category counts (ms). */
  placeWindowMs: number;
  /** Least text similarity for the same caller. */
  callerSimilarity: number;
  /** Least text similarity for the same place (lower: category and place already agree). */
  placeSimilarity: number;
  /** Coordinates within this distance (m) are the same place. */
  placeRadiusMetres: number;
  /** Merge without an operator when the similarity reaches `autoMergeSimilarity`. */
  autoMerge: boolean;
  autoMergeSimilarity: number;
}

/** The fields of a ticket that duplicate detection compares. */
export interface DuplicateProbe {
  id: string;
  /** The keyed hash of the caller's phone (ticket.caller_phone_hash): equal numbers, equal hashes. */
  callerPhoneHash: string | null;
  residentSubject: string | null;
  categoryCode: string | null;
  communityCode: string | null;
  lng: number | null;
  lat: number | null;
  content: string;
  createdAt: Date;
}

/** An earlier ticket that may be the master. */
export interface DuplicateCandidate extends DuplicateProbe {
  number: string;
  status: string;
  masterTicketId: string | null;
}

export interface DuplicateMatch {
  masterId: string;
  masterNumber: string;
  reason: DuplicateReason;
  similarity: number;
  automatic: boolean;
}

/** The lat/lng box around a point that holds every point within `radiusMetres`: a cheap pre-filter for SQL. */
export function searchBox(
  lng: number,
  lat: number,
  radiusMetres: number,
): { minLng: number; maxLng: number; minLat: number; maxLat: number } {
  const metresPerDegree = 111_320;
  const dLat = radiusMetres / metresPerDegree;
  // Near the poles a degree of longitude shrinks to nothing; the cosine floor keeps the box finite.
  const dLng = radiusMetres / (metresPerDegree * Math.max(Math.cos((lat * Math.PI) / 180), 0.01));
  return { minLng: lng - dLng, maxLng: lng + dLng, minLat: lat - dLat, maxLat: lat + dLat };
}

/** A ticket that may still be a master: not itself merged into another, not diverted. */
export function canBeMaster(candidate: Pick<DuplicateCandidate, 'status' | 'masterTicketId'>): boolean {
  return candidate.masterTicketId === null && !NOT_MASTER_STATUSES.includes(candidate.status);
}

/** Same phone number, or the same resident account. */
export function isSameCaller(probe: DuplicateProbe, candidate: DuplicateProbe): boolean {
  return (
    (probe.callerPhoneHash !== null && probe.callerPhoneHash === candidate.callerPhoneHash) ||
    (probe.residentSubject !== null && probe.residentSubject === candidate.residentSubject)
  );
}

/** Same matter category, and the same community or coordinates within the radius. */
export function isSamePlace(probe: DuplicateProbe, candidate: DuplicateProbe, radiusMetres: number): boolean {
  if (probe.categoryCode === null || probe.categoryCode !== candidate.categoryCode) return false;
  if (probe.communityCode !== null && probe.communityCode === candidate.communityCode) return true;
  if (probe.lng === null || probe.lat === null || candidate.lng === null || candidate.lat === null)
    return false;
  return (
    distanceMetres({ lng: probe.lng, lat: probe.lat }, { lng: candidate.lng, lat: candidate.lat }) <=
    radiusMetres
  );
}

function within(candidate: DuplicateProbe, at: Date, windowMs: number): boolean {
  const t = candidate.createdAt.getTime();
  return t >= at.getTime() - windowMs && t <= at.getTime();
}

/**
 * The master for `probe` among `candidates`, or null: each candidate is kept when it may be a master,
 * is not the probe, and is the same caller within the caller window with similarity ≥ the caller
 * threshold, or the same place within the place window with similarity ≥ the place threshold. The
 * most similar wins, then the earliest (the first report is the master). Automatic when the rules
 * allow automatic merges and the similarity reaches their threshold.
 */
export function bestDuplicate(
  probe: DuplicateProbe,
  candidates: readonly DuplicateCandidate[],
  rules: DuplicateRules,
  at: Date,
): DuplicateMatch | null {
  const probeGrams = bigrams(probe.content);
  let best: { candidate: DuplicateCandidate; reason: DuplicateReason; similarity: number } | null = null;
  for (const candidate of candidates) {
    if (candidate.id === probe.id || !canBeMaster(candidate)) continue;
    const caller = isSameCaller(probe, candidate) && within(candidate, at, rules.callerWindowMs);
    const place =
      isSamePlace(probe, candidate, rules.placeRadiusMetres) && within(candidate, at, rules.placeWindowMs);
    if (!caller && !place) continue;
    const similarity = diceOf(probeGrams, bigrams(candidate.content));
    // The same caller is the stronger link: it names the reason whenever its threshold is met.
    const reason: DuplicateReason | null =
      caller && similarity >= rules.callerSimilarity
        ? 'same-caller'
        : place && similarity >= rules.placeSimilarity
          ? 'same-place'
          : null;
    if (reason === null) continue;
    if (best === null || isBetter(similarity, candidate, best.similarity, best.candidate)) {
      best = { candidate, reason, similarity };
    }
  }
  if (best === null) return null;
  return {
    masterId: best.candidate.id,
    masterNumber: best.candidate.number,
    reason: best.reason,
    similarity: best.similarity,
    automatic: rules.autoMerge && best.similarity >= rules.autoMergeSimilarity,
  };
}

function isBetter(
  similarity: number,
  candidate: DuplicateCandidate,
  bestSimilarity: number,
  bestCandidate: DuplicateCandidate,
): boolean {
  if (similarity !== bestSimilarity) return similarity > bestSimilarity;
  const t = candidate.createdAt.getTime();
  const bestT = bestCandidate.createdAt.getTime();
  if (t !== bestT) return t < bestT;
  return candidate.number < bestCandidate.number;
}
