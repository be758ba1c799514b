import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ClassificationLexicon } from './classification-lexicon';
import { type CatalogueEntry, Classifier, DEFAULT_CLASSIFIER_OPTIONS } from './classifier.domain';
import { type Segmenter } from './segmenter';

/**
 * Longest-match segmentation over a small base vocabulary and the words it is given: enough to test
 * the classifier without jieba.
 */
class DictionarySegmenter implements Segmenter {
  readonly words = new Set<string>(['暖气', '不热', '一点']);

  addWords(words: Iterable<string>): void {
    for (const word of words) this.words.add(word);
  }

  cut(text: string): string[] {
    const out: string[] = [];
    for (let i = 0; i < text.length;) {
      let length = Math.min(8, text.length - i);
      while (length > 1 && !this.words.has(text.slice(i, i + length))) length -= 1;
      out.push(text.slice(i, i + length));
      i += length;
    }
    return out;
  }

  pieces(text: string): string[] {
    const out: string[] = [];
    for (let i = 0; i < text.length; i += 1) {
      for (let j = i + 2; j <= text.length; j += 1) {
        const piece = text.slice(i, j);
        if (this.words.has(piece)) out.push(piece);
      }
    }
    return out;
  }
}

function item(
  code: string,
  path: string,
  urgency: CatalogueEntry['urgency'],
  keywords: string[],
): CatalogueEntry {
  const segments = path.split('›');
  return {
    code,
    name: segments[segments.length - 1] ?? path,
    path: segments,
    urgency,
    keywords,
    lead: '属地街道',
  };
}

const ITEMS: CatalogueEntry[] = [
  item('property.service', '城乡建设›物业管理›物业服务', 'general', ['物业', '保洁']),
  item('property.fee', '城乡建设›物业管理›物业费', 'general', ['物业费', '涨物业费']),
  item('property.elevator', '城乡建设›物业管理›电梯故障', 'urgent', ['电梯', '困人']),
  item('heating.cold', '水电气热›供暖›暖气不热', 'utilities', ['暖气不热', '室温不达标']),
  item('transit.bus-stop', '交通出行›交通设施›公交站台', 'general', ['公交站', '候车亭']),
  item('illegal.building', '城乡建设›违法建设›违章建筑', 'complex', ['违建', '私搭乱建']),
];

const LEXICON: ClassificationLexicon = {
  categoryTerms: { 'heating.cold': ['暖气…凉'], 'no.such.code': ['物业'] },
  termWeights: {},
  urgencyTerms: { urgent: ['着火', '困…电梯'], utilities: ['停水'] },
  requestTypeCues: {
    consultation: { 请问: 3 },
    help: { 麻烦: 2 },
    complaint: { 投诉: 4 },
    report: { 举报: 4 },
    suggestion: { 建议: 4 },
    praise: { 表扬: 4 },
  },
  usualRequestType: { property: 'complaint', 'illegal.building': 'report' },
};

describe('Classifier', () => {
  const build = (items: CatalogueEntry[] = ITEMS): { sut: Classifier; segmenter: DictionarySegmenter } => {
    const segmenter = new DictionarySegmenter();
    return { sut: new Classifier(items, segmenter, LEXICON), segmenter };
  };

  it('teaches the segmenter the catalogue keywords and names, so they stay whole', () => {
    const { segmenter } = build();
    expect([...segmenter.words]).toEqual(
      expect.arrayContaining(['物业费', '暖气不热', '室温不达标', '电梯故障']),
    );
  });

  it('finds the item by its keyword, with its runners-up', () => {
    const { sut } = build();
    const result = sut.classify('我们小区的物业费今年又涨了');
    expect(result.category?.code).toBe('property.fee');
    expect(result.category?.alternatives.map((a) => a.code)).not.toContain('property.fee');
  });

  it('lets a longer term speak for the shorter one inside it (物业费, not 物业)', () => {
    const { sut } = build();
    const result = sut.classify('物业费太贵');
    expect(result.category?.code).toBe('property.fee');
    expect(result.category?.alternatives.map((a) => a.code)).not.toContain('property.service');
  });

  it('matches lexicon terms whose parts have words between them', () => {
    const { sut } = build();
    expect(sut.classify('家里的暖气片摸着冰凉').category?.code).toBe('heating.cold');
  });

  it('credits words that are only pieces of a term', () => {
    const { sut } = build();
    // Neither 暖气不热 nor 暖气…凉 is in the text; its words 暖气 and 不热 are.
    expect(sut.classify('暖气一点都不热').category?.code).toBe('heating.cold');
  });

  it('reads full-width letters and spaces as the catalogue writes them', () => {
    const segmenter = new DictionarySegmenter();
    const sut = new Classifier(
      [item('leisure.ktv', '文旅›文化›娱乐场所', 'general', ['KTV'])],
      segmenter,
      LEXICON,
    );
    expect(sut.classify('楼下的 ｋｔｖ 太吵').category?.code).toBe('leisure.ktv');
  });

  it('gives less to a term the text names only as a place', () => {
    const { sut } = build();
    // 公交站 is where the sign hangs; the matter is the illegal structure.
    const result = sut.classify('有人私搭乱建，旁边就是公交站');
    expect(result.category?.code).toBe('illegal.building');
  });

  it('answers null with a weak default when nothing in the text points anywhere', () => {
    const { sut } = build();
    const result = sut.classify('你好，我想反映个事情');
    expect(result.category).toBeNull();
    expect(result.urgency).toEqual({ value: 'general', confidence: 0.3, matchedTerms: [] });
  });

  it('keeps every confidence in [0, 1], lower when two items have the same evidence', () => {
    const { sut } = build();
    const clear = sut.classify('电梯困人了，电梯门打不开');
    const split = sut.classify('物业保洁不干活，违建也不管');
    for (const result of [clear, split]) {
      const values = [
        result.requestType.confidence,
        result.urgency.confidence,
        result.category?.confidence ?? 0,
      ];
      for (const value of values) expect(value).toBeGreaterThanOrEqual(0);
      for (const value of values) expect(value).toBeLessThanOrEqual(1);
    }
    expect(split.category?.confidence ?? 1).toBeLessThan(clear.category?.confidence ?? 0);
  });

  it('raises the urgency with the urgency terms found, and names them as the text has them', () => {
    const { sut } = build();
    const result = sut.classify('物业不管，楼道里着火了');
    expect(result.urgency.value).toBe('urgent');
    expect(result.urgency.matchedTerms).toEqual(['着火']);
    expect(sut.classify('被困在电梯里').urgency.matchedTerms).toEqual(['困在电梯']);
  });

  it("falls back to the category's class, and never lowers it for a weaker term", () => {
    const { sut } = build();
    expect(sut.classify('暖气不热').urgency.value).toBe('utilities');
    expect(sut.classify('违建').urgency.value).toBe('complex');
    expect(sut.classify('电梯坏了，还停水').urgency.value).toBe('urgent');
  });

  it('lets a close runner-up raise the urgency, with the confidence of that doubt', () => {
    const segmenter = new DictionarySegmenter();
    const sut = new Classifier(ITEMS, segmenter, LEXICON, {
      ...DEFAULT_CLASSIFIER_OPTIONS,
      urgentRunnerUpShare: 0,
    });
    const result = sut.classify('物业的电梯');
    expect(result.category?.code).toBe('property.service');
    expect(result.urgency.value).toBe('urgent');
    expect(result.urgency.confidence).toBeLessThan(0.5);
  });

  it("takes the request type from cues, else from the matter's usual type, else help", () => {
    const { sut } = build();
    expect(sut.classify('请问物业费怎么交').requestType.value).toBe('consultation');
    expect(sut.classify('我要举报物业').requestType.value).toBe('report');
    expect(sut.classify('建议增加候车亭').requestType.value).toBe('suggestion');
    expect(sut.classify('表扬一下我们的物业保洁').requestType.value).toBe('praise');
    expect(sut.classify('有人私搭乱建').requestType.value).toBe('report');
    expect(sut.classify('物业保洁不干活').requestType.value).toBe('complaint');
    expect(sut.classify('你好').requestType).toEqual({ value: 'help', confidence: 0.3 });
  });

  it('is rebuilt for a new catalogue: gone items are never suggested, lexicon entries of unknown codes are ignored', () => {
    const { sut } = build(ITEMS.filter((i) => i.code !== 'property.fee'));
    expect(sut.size).toBe(ITEMS.length - 1);
    const result = sut.classify('物业费太贵');
    expect(result.category?.code).toBe('property.service');
    expect(result.category?.alternatives.map((a) => a.code)).not.toContain('no.such.code');
  });
});

describe('Classifier with the shipped lexicon and catalogue 2026.1', () => {
  const catalogue = JSON.parse(
    readFileSync(join(__dirname, '../../test/fixtures/catalogue-2026.1.json'), 'utf8'),
  ) as { items: CatalogueEntry[] };
  const sut = new Classifier(catalogue.items, new DictionarySegmenter());

  it.each([
    ['楼道里一股煤气味，好像是三楼漏气了', 'utility.gas.leak', 'urgent'],
    ['我们楼电梯卡在两层中间了，里面有人', 'urban.property.elevator', 'urgent'],
    ['供暖一个礼拜了暖气片还是冰凉的', 'utility.heating.cold', 'utilities'],
    ['老板拖了我三个月工资了', 'labour.relations.wage-arrears', 'general'],
    ['楼上邻居半夜跺脚，吵得睡不着', 'ecology.noise.living', 'general'],
  ])('reads %s as %s (%s)', (text, code, urgency) => {
    const result = sut.classify(text);
    expect(result.category?.code).toBe(code);
    expect(result.urgency.value).toBe(urgency);
  });
});
