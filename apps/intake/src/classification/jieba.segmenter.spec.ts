import { JiebaSegmenter } from './jieba.segmenter';

describe('JiebaSegmenter', () => {
  const sut = new JiebaSegmenter();

  it('cuts a text into words that give the text back', () => {
    const text = '我们小区的路灯坏了三天了';
    const words = sut.cut(text);
    expect(words.join('')).toBe(text);
    expect(words).toContain('路灯');
  });

  it('keeps added words whole', () => {
    expect(sut.cut('电梯困人了')).not.toContain('电梯困人');
    sut.addWords(['电梯困人', '室温不达标']);
    expect(sut.cut('电梯困人了')).toEqual(['电梯困人', '了']);
    expect(sut.cut('家里室温不达标')).toContain('室温不达标');
  });

  it('gives the shorter words inside a term', () => {
    sut.addWords(['暖气不热']);
    expect(sut.pieces('暖气不热')).toEqual(expect.arrayContaining(['暖气', '暖气不热']));
  });
});
