/**
 * Text similarity of two requests, for 重复诉求 (duplicate) detection: character bigrams of the
 * normalised text compared with the Dice coefficient. Chinese has no spaces between words and two
 * write-ups of one matter share most of their two-character words (小区, 垃圾, 清运…), so bigrams
 * work without a segmenter and cost one pass over the text.
 */

/**
 * Formulas operators and apps put around every request ("市民来电反映…希望相关部门尽快处理"). They say
 * nothing about the matter, and left in they make any two write-ups look alike.
 */
const BOILERPLATE = [
  '市民来电反映',
  '市民来电称',
  '来电人反映',
  '来电人称',
  '市民反映',
  '来电反映',
  '来电咨询',
  '来电求助',
  '来电投诉',
  '来电举报',
  '来电建议',
  '来电称',
  '希望相关部门',
  '请相关部门',
  '要求相关部门',
  '希望有关部门',
  '请有关部门',
  '尽快处理',
  '尽快解决',
  '予以处理',
  '予以解决',
  '帮忙解决',
  '帮忙处理',
  '请问',
  '您好',
  '你好',
];
const BOILERPLATE_PATTERN = new RegExp(BOILERPLATE.join('|'), 'g');
/**
 * Particles and pronouns (的了吗…, 我你他们…) and a few adverbs (很都就也又): how a matter is told,
 * not what it is. They split the text like punctuation, so 我们小区门口的垃圾 compares as 小区门口 垃圾.
 */
const FUNCTION_CHARS = /[的了吗呢啊呀哦嘛我你您他她它们很都就也又]/g;
/** Anything that is not a letter (Han, Latin…): digits, punctuation, symbols, whitespace. */
const NOT_LETTER = /[^\p{L}]+/gu;

/**
 * The text as compared: full-width forms folded (NFKC), lower case, the boilerplate formulas and
 * function characters removed, and every run of digits, punctuation, symbols or whitespace turned
 * into one space (house numbers and dates differ between write-ups of one matter; a run boundary is
 * kept so that no bigram spans a removed part).
 */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(BOILERPLATE_PATTERN, ' ')
    .replace(FUNCTION_CHARS, ' ')
    .replace(NOT_LETTER, ' ')
    .trim();
}

/** The distinct character bigrams of a text (a one-character run counts as itself). */
export function bigrams(text: string): ReadonlySet<string> {
  const grams = new Set<string>();
  for (const run of normaliseText(text).split(' ')) {
    const chars = [...run];
    if (chars.length === 1 && chars[0]) grams.add(chars[0]);
    for (let i = 0; i + 1 < chars.length; i++) grams.add(`${chars[i]}${chars[i + 1]}`);
  }
  return grams;
}

/** Dice coefficient of two bigram sets, 0..1; two empty texts are not similar (nothing to compare). */
export function diceOf(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const gram of small) if (large.has(gram)) shared += 1;
  return (2 * shared) / (a.size + b.size);
}

/** How alike two request texts are, 0 (nothing shared) .. 1 (same words). */
export function textSimilarity(a: string, b: string): number {
  return diceOf(bigrams(a), bigrams(b));
}
