/**
 * Finds lexicon terms in a request's text. A term is a plain string, or parts joined by `…` that
 * must appear in this order with at most `maxGap` characters between consecutive parts.
 */

/** Joins the parts of a term that may have other characters in between. */
export const GAP = '…';

/**
 * The form both terms and texts are compared in: NFKC (full-width letters and digits become ASCII),
 * Latin upper-cased, whitespace removed (callers' texts come from speech-to-text and typing alike).
 */
export function normalise(text: string): string {
  return text.normalize('NFKC').replace(/\s+/gu, '').toUpperCase();
}

/** {@link normalise} for a term: part by part, since NFKC would turn the gap mark into three dots. */
export function normaliseTerm(term: string): string {
  return term.split(GAP).map(normalise).join(GAP);
}

export interface TermMatch {
  /** Index of the term in the matcher's list. */
  readonly term: number;
  readonly start: number;
  readonly end: number;
}

interface CompiledTerm {
  readonly parts: readonly string[];
  /** Characters of the parts, without the gaps. */
  readonly length: number;
}

export class TermMatcher {
  private readonly compiled: CompiledTerm[];
  /** Term indices by the first character of their first part, longest first part first. */
  private readonly byFirstChar = new Map<string, number[]>();

  /** `terms` must be normalised; a term with an empty part is ignored. */
  constructor(
    readonly terms: readonly string[],
    private readonly maxGap: number,
  ) {
    this.compiled = terms.map((term) => {
      const parts = term.split(GAP);
      return { parts, length: parts.reduce((sum, part) => sum + part.length, 0) };
    });
    this.compiled.forEach((term, index) => {
      const first = term.parts[0];
      if (!first || term.parts.some((part) => part.length === 0)) return;
      const key = first.charAt(0);
      const list = this.byFirstChar.get(key) ?? [];
      list.push(index);
      this.byFirstChar.set(key, list);
    });
    for (const list of this.byFirstChar.values()) {
      list.sort(
        (a, b) => (this.compiled[b]?.parts[0]?.length ?? 0) - (this.compiled[a]?.parts[0]?.length ?? 0),
      );
    }
  }

  /** Characters of a term without its gaps (what "longer" means when terms compete). */
  lengthOf(term: number): number {
    return this.compiled[term]?.length ?? 0;
  }

  isContiguous(term: number): boolean {
    return this.compiled[term]?.parts.length === 1;
  }

  /**
   * Every occurrence of a plain term, and the first occurrence of a gapped one, in a normalised
   * text, in order of start.
   */
  findAll(text: string): TermMatch[] {
    const matches: TermMatch[] = [];
    const gappedFound = new Set<number>();
    for (let i = 0; i < text.length; i += 1) {
      const candidates = this.byFirstChar.get(text.charAt(i));
      if (!candidates) continue;
      for (const index of candidates) {
        const term = this.compiled[index];
        if (!term) continue;
        const [first, ...rest] = term.parts;
        if (first === undefined || !text.startsWith(first, i)) continue;
        if (rest.length === 0) {
          matches.push({ term: index, start: i, end: i + first.length });
          continue;
        }
        if (gappedFound.has(index)) continue;
        const end = this.matchRest(text, i + first.length, rest);
        if (end !== null) {
          gappedFound.add(index);
          matches.push({ term: index, start: i, end });
        }
      }
    }
    return matches;
  }

  /** Where the remaining parts end when each follows the previous within the gap, else null. */
  private matchRest(text: string, from: number, parts: readonly string[]): number | null {
    let position = from;
    for (const part of parts) {
      const found = text.indexOf(part, position);
      if (found < 0 || found - position > this.maxGap) return null;
      position = found + part.length;
    }
    return position;
  }
}

/**
 * The matches that stand on their own: a plain term found only inside a longer plain term that was
 * also found says nothing by itself (「物业」 inside 「物业费」, 「电梯」 inside 「加装电梯」). Gapped terms
 * are kept: their span covers characters that are not theirs. Returns the surviving term indices.
 */
export function standaloneTerms(matcher: TermMatcher, matches: readonly TermMatch[]): Set<number> {
  const plain = matches
    .filter((m) => matcher.isContiguous(m.term))
    .sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const accepted: TermMatch[] = [];
  const result = new Set<number>();
  for (const match of plain) {
    const inside = accepted.some(
      (outer) =>
        outer.start <= match.start &&
        match.end <= outer.end &&
        outer.end - outer.start > match.end - match.start,
    );
    if (inside) continue;
    accepted.push(match);
    result.add(match.term);
  }
  for (const match of matches) if (!matcher.isContiguous(match.term)) result.add(match.term);
  return result;
}
