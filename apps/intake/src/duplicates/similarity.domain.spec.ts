import { bigrams, diceOf, normaliseText, textSimilarity } from './similarity.domain';

describe('normaliseText', () => {
  it('drops digits, punctuation, whitespace and full-width forms, keeping one space per removed run', () => {
    expect(normaliseText('幸福小区３号楼，路灯 不亮！！')).toBe('幸福小区 号楼 路灯 不亮');
  });

  it('removes the operators’ formulas and function characters, which say nothing about the matter', () => {
    expect(normaliseText('市民来电反映：我们小区门口的垃圾没人清理，希望相关部门尽快处理。')).toBe(
      '小区门口 垃圾没人清理',
    );
  });

  it('folds Latin letters to lower case', () => {
    expect(normaliseText('小区WiFi信号')).toBe('小区wifi信号');
  });
});

describe('bigrams', () => {
  it('takes the character pairs of each run, never across a removed part', () => {
    expect([...bigrams('路灯，不亮')].sort()).toEqual(['不亮', '路灯']);
  });

  it('keeps a one-character run as itself', () => {
    expect([...bigrams('1号楼 水')].sort()).toEqual(['号楼', '水']);
  });

  it('is empty for a text of digits and punctuation only', () => {
    expect(bigrams('123 ——！').size).toBe(0);
  });
});

describe('diceOf', () => {
  it('is 2·shared / (|a| + |b|)', () => {
    expect(diceOf(new Set(['ab', 'bc', 'cd']), new Set(['bc', 'cd', 'de', 'ef', 'fg']))).toBeCloseTo(
      (2 * 2) / 8,
    );
  });

  it('is 0 when either side is empty', () => {
    expect(diceOf(new Set(), new Set(['ab']))).toBe(0);
    expect(diceOf(new Set(), new Set())).toBe(0);
  });
});

describe('textSimilarity', () => {
  it('is 1 for the same words with other punctuation, numbers or formulas', () => {
    expect(textSimilarity('路灯不亮', '路灯不亮！！')).toBe(1);
    expect(textSimilarity('市民来电反映：幸福路5号井盖缺失', '幸福路12号井盖缺失，请相关部门尽快处理')).toBe(
      1,
    );
  });

  it('is symmetric', () => {
    const a = '楼下工地夜间施工噪音扰民，凌晨两点还在施工';
    const b = '楼下工地晚上施工太吵了，凌晨还在干活，影响休息';
    expect(textSimilarity(a, b)).toBe(textSimilarity(b, a));
  });

  // Realistic pairs: the same matter told twice (by a caller on two calls, or by two neighbours),
  // against different matters that share words. Bigram overlap separates copies and close retellings
  // from unrelated requests; retellings mostly score in the place band (≥ 0.35), rarely in the
  // caller band (≥ 0.6). Synonyms are invisible to it: 井盖缺失 / 井盖丢了 scores about 0.32.
  const sameMatter: [string, string][] = [
    ['某某路12号门前共享单车乱停乱放，堵塞人行道', '某某路12号门口共享单车乱停放，把人行道都堵了'],
    ['小区门口垃圾堆积多日无人清理，气味很大', '我们小区门口的垃圾好几天没人清理了，臭味很大'],
    ['家中停水，从早上8点到现在还没有来水', '从早上开始家里就停水了，到现在还没来水'],
    ['小区电梯坏了三天了，物业一直不修，老人上下楼很困难', '小区电梯故障好几天，物业不管，老年人上下楼困难'],
    ['楼下工地夜间施工噪音扰民，凌晨两点还在施工', '楼下工地晚上施工太吵了，凌晨还在干活，影响休息'],
  ];
  const differentMatters: [string, string][] = [
    ['小区门口垃圾堆积多日无人清理', '小区内私搭乱建，占用消防通道'],
    ['家中停水，从早上8点到现在还没有来水', '楼下工地夜间施工噪音扰民'],
    ['路灯不亮', '路面塌陷'],
    ['咨询公积金提取需要什么材料', '咨询居住证办理需要什么材料'],
    ['小区电梯坏了三天了，物业一直不修', '小区物业乱收停车费，一直不给发票'],
  ];

  it.each(sameMatter)('puts a retelling of one matter in the same-place band: %s | %s', (a, b) => {
    expect(textSimilarity(a, b)).toBeGreaterThanOrEqual(0.35);
  });

  it.each(differentMatters)('keeps different matters below the same-caller band: %s | %s', (a, b) => {
    expect(textSimilarity(a, b)).toBeLessThan(0.6);
  });

  it('scores a near-copy (one word changed) above the automatic-merge default of 0.85', () => {
    expect(
      textSimilarity(
        '朝阳区幸福小区3号楼前的路灯已经坏了一个星期了，晚上很黑，老人出门不方便',
        '朝阳区幸福小区3号楼前的路灯已经坏了一个星期了，晚上很黑，老人出行不方便',
      ),
    ).toBeGreaterThanOrEqual(0.85);
  });

  it('ranks the retelling of the same matter above a different matter of the same place', () => {
    const report = '幸福小区3号楼前路灯不亮已经一周';
    expect(textSimilarity(report, '幸福小区3号楼门前路灯坏了一周了')).toBeGreaterThan(
      textSimilarity(report, '幸福小区3号楼前垃圾桶满了没人清'),
    );
  });
});
