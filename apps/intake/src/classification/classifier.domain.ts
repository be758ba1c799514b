import { REQUEST_TYPES, type referenceCatalogueItemSchema } from '@jsjb/contracts';
import { type z } from 'zod';
import {
  type ClassificationLexicon,
  DEFAULT_LEXICON,
  MAX_GAP,
  type RequestType,
  type UrgencyClass,
} from './classification-lexicon';
import { type Segmenter } from './segmenter';
import { GAP, normalise, normaliseTerm, standaloneTerms, TermMatcher } from './term-matcher.domain';

/** A dispatch-catalogue item as routing publishes it (`catalogue.changed.v1`). */
export type CatalogueEntry = z.infer<typeof referenceCatalogueItemSchema>;

export interface ScoredCode {
  code: string;
  confidence: number;
}

/**
 * What the classifier reads from a request's text. Every confidence is in [0, 1]; below
 * {@link LOW_CONFIDENCE} the operator should look before the ticket goes on.
 */
export interface Classification {
  /** 诉求类型 — 咨询, 求助, 投诉, 举报, 建议, 表扬. */
  requestType: { value: RequestType; confidence: number };
  /**
   * 事项分类 — the catalogue item, and up to three runners-up (best first, the leader not among
   * them); null when nothing in the text points to any item.
   */
  category: (ScoredCode & { alternatives: ScoredCode[] }) | null;
  /** 紧急程度 — the time-limit class, and the urgency terms found in the text (as written there). */
  urgency: { value: UrgencyClass; confidence: number; matchedTerms: string[] };
}

/** Below this, a category or request type is a guess the operator should check. */
export const LOW_CONFIDENCE = 0.5;

export interface ClassifierOptions {
  /** Softmax temperature over category scores: lower makes the leader's confidence sharper. */
  readonly temperature: number;
  /** The score of "none of these": a leader needs clearly more evidence than this to be confident. */
  readonly backgroundScore: number;
  /** Share of a term's weight that a text word earns when it is only a piece of the term. */
  readonly pieceShare: number;
  /** Weight of a catalogue path segment above the item's own name (「物业管理」, 「供暖」). */
  readonly pathShare: number;
  /** Share of a term's weight when the text names it only as a place. */
  readonly placeShare: number;
  /** A runner-up category this sure (or surer) can raise the urgency to its own class. */
  readonly urgentRunnerUpShare: number;
  /** Score the category's usual request type gets, times the category's confidence. */
  readonly usualTypeWeight: number;
}

export const DEFAULT_CLASSIFIER_OPTIONS: ClassifierOptions = {
  temperature: 1.5,
  backgroundScore: 3,
  pieceShare: 0.35,
  pathShare: 0.5,
  placeShare: 0.5,
  urgentRunnerUpShare: 0.15,
  usualTypeWeight: 1.5,
};

/** Order of urgency for "raise, never lower": complex has the longest deadline but is not less urgent than general. */
const URGENCY_RANK: Readonly<Record<UrgencyClass, number>> = {
  urgent: 3,
  utilities: 2,
  complex: 1,
  general: 1,
};

interface TermOwner {
  /** Index of the item in `items`. */
  readonly item: number;
  readonly weight: number;
}

/**
 * Reads request type, category and urgency from a request's text, by weighted terms: the catalogue's
 * keywords, names and path segments plus intake's lexicon, each weighted by how few items share it
 * (an IDF over items) and by its length (longer terms say more). Words of the text that are only
 * pieces of a term earn a share of it, so 「暖气一点都不热」 still finds 「暖气不热」's item.
 *
 * Build a new one when the catalogue changes; building also teaches the segmenter the new terms.
 * `classify` is synchronous and allocation-light: it runs on every ticket creation.
 */
export class Classifier {
  private readonly items: readonly CatalogueEntry[];
  private readonly urgencyByCode: ReadonlyMap<string, UrgencyClass>;
  private readonly usualTypeByCode: ReadonlyMap<string, RequestType>;
  private readonly categoryMatcher: TermMatcher;
  /** Per term of `categoryMatcher`, the items it points to and with what weight. */
  private readonly termOwners: readonly (readonly TermOwner[])[];
  /** Pieces of terms (words inside them) and the items they point to. */
  private readonly pieceOwners = new Map<string, TermOwner[]>();
  private readonly urgencyMatcher: TermMatcher;
  private readonly urgencyClassOf: readonly ('urgent' | 'utilities')[];
  private readonly typeMatcher: TermMatcher;
  private readonly typeCues: readonly { readonly type: RequestType; readonly weight: number }[];

  constructor(
    items: readonly CatalogueEntry[],
    private readonly segmenter: Segmenter,
    lexicon: ClassificationLexicon = DEFAULT_LEXICON,
    private readonly options: ClassifierOptions = DEFAULT_CLASSIFIER_OPTIONS,
  ) {
    this.items = [...items];
    this.urgencyByCode = new Map(this.items.map((item) => [item.code, item.urgency]));
    this.usualTypeByCode = new Map(
      this.items.flatMap((item) => {
        const type = usualRequestType(lexicon, item.code);
        return type ? [[item.code, type] as const] : [];
      }),
    );
    const damp = new Map(Object.entries(lexicon.termWeights).map(([term, w]) => [normaliseTerm(term), w]));

    // Terms of each item with their base weight (keywords, name and lexicon 1, path segments less).
    const itemTerms = this.items.map((item) => {
      const terms = new Map<string, number>();
      const put = (term: string, base: number): void => {
        const text = normaliseTerm(term);
        if (text.replaceAll(GAP, '').length === 0) return;
        terms.set(text, Math.max(terms.get(text) ?? 0, base));
      };
      // The first path segment (「城乡建设」) is a whole sector: it tells nothing about the item.
      for (const segment of item.path.slice(1, -1)) put(segment, options.pathShare);
      put(item.name, 1);
      for (const keyword of item.keywords) put(keyword, 1);
      for (const term of lexicon.categoryTerms[item.code] ?? []) put(term, 1);
      return terms;
    });

    const itemCount = Math.max(this.items.length, 1);
    const documentFrequency = new Map<string, number>();
    for (const terms of itemTerms) {
      for (const term of terms.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
    }
    const weightOf = (term: string, base: number, frequency: number): number =>
      base * (damp.get(term) ?? 1) * Math.log(1 + itemCount / frequency) * lengthFactor(term);

    const termList = [...documentFrequency.keys()];
    const termIndex = new Map(termList.map((term, index) => [term, index]));
    const owners: TermOwner[][] = termList.map(() => []);
    itemTerms.forEach((terms, item) => {
      for (const [term, base] of terms) {
        const index = termIndex.get(term);
        const frequency = documentFrequency.get(term);
        if (index === undefined || frequency === undefined) continue;
        owners[index]?.push({ item, weight: weightOf(term, base, frequency) });
      }
    });
    this.categoryMatcher = new TermMatcher(termList, MAX_GAP);
    this.termOwners = owners;

    // Multi-character terms stay whole in the text's segmentation; then split them into their pieces.
    const plainTerms = termList.filter((term) => !term.includes(GAP) && term.length >= 2);
    segmenter.addWords(plainTerms);
    const pieceItems = new Map<string, Map<number, number>>();
    itemTerms.forEach((terms, item) => {
      for (const [term, base] of terms) {
        if (term.includes(GAP) || term.length < 3) continue;
        for (const piece of segmenter.pieces(term)) {
          if (piece.length < 2 || piece === term) continue;
          const byItem = pieceItems.get(piece) ?? new Map<number, number>();
          byItem.set(item, Math.max(byItem.get(item) ?? 0, base * (damp.get(piece) ?? 1)));
          pieceItems.set(piece, byItem);
        }
      }
    });
    for (const [piece, byItem] of pieceItems) {
      const frequency = byItem.size + (documentFrequency.get(piece) ?? 0);
      this.pieceOwners.set(
        piece,
        [...byItem].map(([item, base]) => ({
          item,
          weight: options.pieceShare * weightOf(piece, base, frequency),
        })),
      );
    }

    const urgencyEntries = (['urgent', 'utilities'] as const).flatMap((value) =>
      lexicon.urgencyTerms[value].map((term) => [normaliseTerm(term), value] as const),
    );
    this.urgencyMatcher = new TermMatcher(
      urgencyEntries.map(([term]) => term),
      MAX_GAP,
    );
    this.urgencyClassOf = urgencyEntries.map(([, value]) => value);

    const cues = REQUEST_TYPES.flatMap((type) =>
      Object.entries(lexicon.requestTypeCues[type]).map(([cue, weight]) => ({
        cue: normaliseTerm(cue),
        type,
        weight,
      })),
    );
    this.typeMatcher = new TermMatcher(
      cues.map((c) => c.cue),
      MAX_GAP,
    );
    this.typeCues = cues;
  }

  /** How many catalogue items this classifier knows. */
  get size(): number {
    return this.items.length;
  }

  classify(text: string): Classification {
    const normalised = normalise(text);
    const words = this.segmenter.cut(normalised);
    const category = this.classifyCategory(normalised, words);
    return {
      requestType: this.classifyRequestType(normalised, category),
      category,
      urgency: this.classifyUrgency(normalised, category),
    };
  }

  private classifyCategory(text: string, words: readonly string[]): Classification['category'] {
    const scores = new Float64Array(this.items.length);
    const matches = this.categoryMatcher.findAll(text);
    const standalone = standaloneTerms(this.categoryMatcher, matches);
    // A term named only as a place (「人行道上」, 「就是公交站」) says where, not what: it earns less.
    const asMatter = new Set<number>();
    for (const match of matches) {
      if (!isPlaceMention(text, match.start, match.end)) asMatter.add(match.term);
    }
    for (const term of standalone) {
      const share = asMatter.has(term) ? 1 : this.options.placeShare;
      for (const owner of this.termOwners[term] ?? []) {
        scores[owner.item] = (scores[owner.item] ?? 0) + owner.weight * share;
      }
    }
    // Words of the text that are pieces of terms, where no found term already covers them.
    const covered = new Uint8Array(text.length);
    for (const match of matches) {
      if (standalone.has(match.term) && this.categoryMatcher.isContiguous(match.term)) {
        covered.fill(1, match.start, match.end);
      }
    }
    const seenPieces = new Set<string>();
    let position = 0;
    for (const word of words) {
      const start = position;
      position += word.length;
      if (word.length < 2 || seenPieces.has(word) || covered[start] === 1) continue;
      const owners = this.pieceOwners.get(word);
      if (!owners) continue;
      seenPieces.add(word);
      for (const owner of owners) scores[owner.item] = (scores[owner.item] ?? 0) + owner.weight;
    }

    const ranked: { item: number; score: number }[] = [];
    scores.forEach((score, item) => {
      if (score > 0) ranked.push({ item, score });
    });
    if (ranked.length === 0) return null;
    ranked.sort((a, b) => b.score - a.score || a.item - b.item);
    const probabilities = softmaxWithBackground(
      ranked.map((r) => r.score),
      this.options.temperature,
      this.options.backgroundScore,
    );
    const scored = ranked.slice(0, 4).map((r, i) => ({
      code: this.items[r.item]?.code ?? '',
      confidence: round(probabilities[i] ?? 0),
    }));
    const [best, ...alternatives] = scored;
    return best ? { ...best, alternatives } : null;
  }

  /**
   * The most urgent of: the urgency terms found, the leading category's class, and the class of a
   * runner-up with a fair share ({@link ClassifierOptions.urgentRunnerUpShare}) — a missed 紧急 costs
   * far more than an operator's second look, so doubt about the category raises, never lowers.
   */
  private classifyUrgency(text: string, category: Classification['category']): Classification['urgency'] {
    const matchedTerms: string[] = [];
    let fromTerms: 'urgent' | 'utilities' | null = null;
    for (const match of this.urgencyMatcher.findAll(text)) {
      const value = this.urgencyClassOf[match.term];
      if (!value) continue;
      const fragment = text.slice(match.start, match.end);
      if (!matchedTerms.includes(fragment)) matchedTerms.push(fragment);
      if (fromTerms === null || URGENCY_RANK[value] > URGENCY_RANK[fromTerms]) fromTerms = value;
    }
    const candidates: { value: UrgencyClass; confidence: number }[] = [];
    if (fromTerms !== null) {
      // Matched terms are direct evidence; two or more of them agree.
      candidates.push({ value: fromTerms, confidence: matchedTerms.length > 1 ? 0.95 : 0.85 });
    }
    if (category) {
      const leader = this.urgencyOf(category.code);
      if (leader) candidates.push({ value: leader, confidence: category.confidence });
      for (const runnerUp of category.alternatives) {
        const value = this.urgencyOf(runnerUp.code);
        if (value && runnerUp.confidence >= this.options.urgentRunnerUpShare) {
          candidates.push({ value, confidence: runnerUp.confidence });
        }
      }
    }
    let best: { value: UrgencyClass; confidence: number } | undefined;
    for (const candidate of candidates) {
      if (!best || URGENCY_RANK[candidate.value] > URGENCY_RANK[best.value]) best = { ...candidate };
      else if (candidate.value === best.value) {
        // Independent sources agreeing make the class surer.
        best.confidence = 1 - (1 - best.confidence) * (1 - candidate.confidence);
      }
    }
    // Nothing in the text: general is the default class, and a weak guess.
    if (!best) return { value: 'general', confidence: 0.3, matchedTerms };
    return { value: best.value, confidence: round(best.confidence), matchedTerms };
  }

  private urgencyOf(code: string): UrgencyClass | undefined {
    return this.urgencyByCode.get(code);
  }

  private classifyRequestType(
    text: string,
    category: Classification['category'],
  ): Classification['requestType'] {
    const scores = new Map<RequestType, number>();
    // The matter's usual type counts as much as a fair cue when the category is sure.
    const usual = category ? this.usualTypeByCode.get(category.code) : undefined;
    if (usual && category) scores.set(usual, this.options.usualTypeWeight * category.confidence);
    const found = standaloneTerms(this.typeMatcher, this.typeMatcher.findAll(text));
    for (const index of found) {
      const cue = this.typeCues[index];
      if (cue) scores.set(cue.type, (scores.get(cue.type) ?? 0) + cue.weight);
    }
    // A question is asked to be answered.
    if (text.includes('?')) scores.set('consultation', (scores.get('consultation') ?? 0) + 0.5);
    const ranked = [...scores].sort((a, b) => b[1] - a[1]);
    const [best] = ranked;
    // Without any cue or category, a resident describing a problem wants it handled: 求助.
    if (!best) return { value: 'help', confidence: 0.3 };
    const probabilities = softmaxWithBackground(
      ranked.map(([, score]) => score),
      1,
      1,
    );
    return { value: best[0], confidence: round(probabilities[0] ?? 0) };
  }
}

/** The lexicon's usual request type for a code: its own entry, else its nearest prefix's. */
function usualRequestType(lexicon: ClassificationLexicon, code: string): RequestType | undefined {
  const segments = code.split('.');
  for (let length = segments.length; length > 0; length -= 1) {
    const type = lexicon.usualRequestType[segments.slice(0, length).join('.')];
    if (type) return type;
  }
  return undefined;
}

const PLACE_AFTER = [
  '上',
  '里',
  '旁',
  '边',
  '门口',
  '附近',
  '下面',
  '下边',
  '外面',
  '外边',
  '对面',
  '前面',
  '后面',
  '周边',
  '周围',
  '那边',
  '口',
];
const PLACE_BEFORE = ['在', '到', '离', '就是', '挨着', '靠近', '紧挨'];

/** Whether the words around [start, end) make it a place: followed by a locative, or after 「在」, 「就是」. */
function isPlaceMention(text: string, start: number, end: number): boolean {
  return (
    PLACE_AFTER.some((word) => text.startsWith(word, end)) ||
    PLACE_BEFORE.some((word) => text.endsWith(word, start))
  );
}

/** Longer terms say more: 2 characters weigh 1, each further one adds 0.3, up to 1.9. */
function lengthFactor(term: string): number {
  const length = term.replaceAll(GAP, '').length;
  if (length <= 1) return 0.5;
  return Math.min(1 + 0.3 * (length - 2), 1.9);
}

/**
 * exp(sᵢ/T) / (exp(b/T) + Σ exp(sⱼ/T)): the leader's share against its rivals and against "none of
 * these", so that little evidence or a close rival both mean low confidence.
 */
function softmaxWithBackground(scores: readonly number[], temperature: number, background: number): number[] {
  const top = Math.max(background, ...scores);
  const exps = scores.map((score) => Math.exp((score - top) / temperature));
  const total = exps.reduce((sum, e) => sum + e, Math.exp((background - top) / temperature));
  return exps.map((e) => e / total);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
