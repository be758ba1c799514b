import {
  answerIssues,
  applyAnswer,
  type CallbackTaskState,
  reopenReason,
  shouldReopen,
} from './callback.domain';

const open = (over: Partial<CallbackTaskState> = {}): CallbackTaskState => ({
  status: 'open',
  attempts: 0,
  reopenOnUnresolved: true,
  ...over,
});

describe('answerIssues', () => {
  it('accepts a contacted answer with both questions answered, and an attempt that reached nobody', () => {
    expect(answerIssues({ contacted: true, resolved: false, satisfaction: 'unsatisfied' })).toEqual([]);
    expect(answerIssues({ contacted: false, comment: '无人接听' })).toEqual([]);
  });

  it('names each question a contacted answer left out', () => {
    expect(answerIssues({ contacted: true }).map((i) => [i.field, i.code])).toEqual([
      ['resolved', 'required_when_contacted'],
      ['satisfaction', 'required_when_contacted'],
    ]);
    expect(answerIssues({ contacted: true, resolved: true }).map((i) => i.field)).toEqual(['satisfaction']);
  });

  it('refuses a rating from an attempt that reached nobody', () => {
    expect(answerIssues({ contacted: false, satisfaction: 'satisfied' })).toEqual([
      expect.objectContaining({ field: 'satisfaction', code: 'not_allowed_when_not_contacted' }),
    ]);
  });
});

describe('applyAnswer', () => {
  it('closes on a contacted answer and rates it', () => {
    expect(applyAnswer(open(), { contacted: true, resolved: true, satisfaction: 'satisfied' }, 3)).toEqual({
      kind: 'closed',
      status: 'answered',
      attempts: 1,
      rating: { contacted: true, resolved: true, satisfaction: 'satisfied' },
      reopen: false,
    });
  });

  it('keeps the task open while attempts are left, then closes it as unreachable with an empty rating', () => {
    expect(applyAnswer(open(), { contacted: false }, 3)).toEqual({ kind: 'attempt', attempts: 1 });
    expect(applyAnswer(open({ attempts: 1 }), { contacted: false }, 3)).toEqual({
      kind: 'attempt',
      attempts: 2,
    });
    expect(applyAnswer(open({ attempts: 2 }), { contacted: false }, 3)).toEqual({
      kind: 'closed',
      status: 'unreachable',
      attempts: 3,
      rating: { contacted: false, resolved: null, satisfaction: null },
      reopen: false,
    });
    expect(applyAnswer(open(), { contacted: false }, 1)).toMatchObject({
      kind: 'closed',
      status: 'unreachable',
    });
  });

  it('reaches the resident after failed attempts and closes as answered', () => {
    expect(
      applyAnswer(
        open({ attempts: 2 }),
        { contacted: true, resolved: true, satisfaction: 'basically-satisfied' },
        3,
      ),
    ).toMatchObject({ kind: 'closed', status: 'answered', attempts: 3 });
  });

  it('reopens an unresolved, unsatisfied answer only where the policy reopens', () => {
    const bad = { contacted: true, resolved: false, satisfaction: 'unsatisfied' } as const;
    expect(applyAnswer(open(), bad, 3)).toMatchObject({ reopen: true });
    expect(applyAnswer(open({ reopenOnUnresolved: false }), bad, 3)).toMatchObject({ reopen: false });
  });
});

describe('shouldReopen', () => {
  it('needs both unresolved and unsatisfied', () => {
    expect(shouldReopen({ resolved: false, satisfaction: 'unsatisfied' }, true)).toBe(true);
    expect(shouldReopen({ resolved: true, satisfaction: 'unsatisfied' }, true)).toBe(false);
    expect(shouldReopen({ resolved: false, satisfaction: 'basically-satisfied' }, true)).toBe(false);
    expect(shouldReopen({ resolved: null, satisfaction: null }, true)).toBe(false);
  });
});

describe('reopenReason', () => {
  it('says why, with the resident’s words when there are any', () => {
    expect(reopenReason(undefined)).toBe('回访结果：未解决，不满意（重办）');
    expect(reopenReason(' 积水未排 ')).toBe('回访结果：未解决，不满意（重办）。群众意见：积水未排');
    expect(reopenReason('长'.repeat(5000))).toHaveLength(4000);
  });
});
