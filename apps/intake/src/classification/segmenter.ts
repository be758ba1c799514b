/**
 * 分词 — Chinese word segmentation, behind the little the classifier needs, so that the classifier
 * is tested with a fake and the implementation can change (see jieba.segmenter.ts).
 */
export interface Segmenter {
  /** Words to keep whole from now on (catalogue keywords and names, lexicon terms). */
  addWords(words: Iterable<string>): void;
  /** The words of `text` in order; concatenated they give `text` back. */
  cut(text: string): string[];
  /** The shorter words inside `text`, for partial matches (「暖气不热」 → 「暖气」, 「不热」); may include `text`. */
  pieces(text: string): string[];
}
