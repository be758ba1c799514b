import { deferToCommit, withCommitHooks } from './commit-hooks';

describe('commit hooks', () => {
  it('runs deferred work after the body, once per key, in key order', async () => {
    const tx = {};
    const ran: string[] = [];
    const result = await withCommitHooks(tx, () => {
      expect(deferToCommit(tx, 'b-counters', () => Promise.resolve(void ran.push('b')))).toBe(true);
      expect(deferToCommit(tx, 'a-counters', () => Promise.resolve(void ran.push('a')))).toBe(true);
      // A second registration of a key is the same buffer's flush: the first one runs.
      expect(deferToCommit(tx, 'b-counters', () => Promise.resolve(void ran.push('b again')))).toBe(true);
      ran.push('body');
      return Promise.resolve(42);
    });
    expect(result).toBe(42);
    expect(ran).toEqual(['body', 'a', 'b']);
  });

  it('has nothing to defer to outside a batch, or after it', async () => {
    const tx = {};
    expect(deferToCommit(tx, 'k', () => Promise.resolve())).toBe(false);
    await withCommitHooks(tx, () => Promise.resolve());
    expect(deferToCommit(tx, 'k', () => Promise.resolve())).toBe(false);
  });

  it('drops the deferred work when the body fails (the transaction rolls back)', async () => {
    const tx = {};
    const ran: string[] = [];
    await expect(
      withCommitHooks(tx, () => {
        deferToCommit(tx, 'k', () => Promise.resolve(void ran.push('k')));
        return Promise.reject(new Error('handler failed'));
      }),
    ).rejects.toThrow('handler failed');
    expect(ran).toEqual([]);
    expect(deferToCommit(tx, 'k', () => Promise.resolve())).toBe(false);
  });
});
