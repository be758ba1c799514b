import { add_word, cut, cut_for_search } from 'jieba-wasm';
import { type Segmenter } from './segmenter';

/**
 * Words already given to jieba. jieba-wasm holds one dictionary per process (module state), so a
 * word added by one classifier build stays for the next: adding it again would only cost time.
 */
const added = new Set<string>();

/**
 * The segmenter on jieba-rs compiled to WebAssembly (jieba-wasm): no native module and no platform
 * packages, loads in Node and Jest as CommonJS. Its dictionary only grows: words of an older
 * catalogue stay known, which can only keep more multi-character terms whole.
 */
export class JiebaSegmenter implements Segmenter {
  addWords(words: Iterable<string>): void {
    for (const word of words) {
      if (word.length < 2 || added.has(word)) continue;
      // No frequency: jieba then gives the word the frequency that makes it win over its parts.
      add_word(word);
      added.add(word);
    }
  }

  cut(text: string): string[] {
    return cut(text, true);
  }

  pieces(text: string): string[] {
    return cut_for_search(text, true);
  }
}
