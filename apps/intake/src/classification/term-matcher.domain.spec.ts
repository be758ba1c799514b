import { GAP, normalise, normaliseTerm, standaloneTerms, TermMatcher } from './term-matcher.domain';

describe('normalise', () => {
  it('turns full-width letters and digits to ASCII, upper-cases Latin and drops whitespace', () => {
    expect(normalise('ｋｔｖ 在 ３ 号楼\n')).toBe('KTV在3号楼');
  });

  it('keeps the gap mark of a term, which NFKC alone would turn into three dots', () => {
    expect(normaliseTerm(`暖气${GAP}凉`)).toBe(`暖气${GAP}凉`);
    expect(normalise(GAP)).toBe('...');
  });
});

describe('TermMatcher', () => {
  it('finds every occurrence of a plain term, in order', () => {
    const sut = new TermMatcher(['停水', '水'], 10);
    expect(sut.findAll('停水了又停水').map((m) => [sut.terms[m.term], m.start, m.end])).toEqual([
      ['停水', 0, 2],
      ['水', 1, 2],
      ['停水', 4, 6],
      ['水', 5, 6],
    ]);
  });

  it('finds a gapped term when its parts follow each other within the gap', () => {
    const sut = new TermMatcher([`暖气${GAP}凉`], 4);
    expect(sut.findAll('暖气片摸着凉')).toEqual([{ term: 0, start: 0, end: 6 }]);
    expect(sut.findAll('暖气片摸着一直是凉')).toEqual([]);
    expect(sut.findAll('凉了的暖气')).toEqual([]);
  });

  it('reports a gapped term once, at its first occurrence', () => {
    const sut = new TermMatcher([`电梯${GAP}坏`], 10);
    expect(sut.findAll('电梯坏了，另一部电梯也坏了')).toEqual([{ term: 0, start: 0, end: 3 }]);
  });

  it('ignores a term with an empty part', () => {
    const sut = new TermMatcher([`${GAP}坏`, ''], 10);
    expect(sut.findAll('电梯坏了')).toEqual([]);
  });

  it('measures a term without its gaps', () => {
    const sut = new TermMatcher([`暖气${GAP}不热`, '物业费'], 10);
    expect(sut.lengthOf(0)).toBe(4);
    expect(sut.lengthOf(1)).toBe(3);
    expect(sut.isContiguous(0)).toBe(false);
    expect(sut.isContiguous(1)).toBe(true);
  });
});

describe('standaloneTerms', () => {
  it('drops a plain term found only inside a longer one, keeps it where it also stands alone', () => {
    const sut = new TermMatcher(['物业', '物业费', `物业${GAP}不管`], 10);
    const inside = standaloneTerms(sut, sut.findAll('物业费又涨了'));
    expect([...inside].map((t) => sut.terms[t])).toEqual(['物业费']);
    const both = standaloneTerms(sut, sut.findAll('物业费又涨了，物业也不管'));
    expect([...both].map((t) => sut.terms[t]).sort()).toEqual(['物业', '物业费', `物业${GAP}不管`].sort());
  });
});
