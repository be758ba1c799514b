import { CommitBuffer, deferToCommit, withCommitHooks } from './commit-hooks';

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

  /** A buffer that records each flush's items. */
  function recordingBuffer(key: string): { buffer: CommitBuffer<object, string>; flushed: string[][] } {
    const flushed: string[][] = [];
    const buffer = new CommitBuffer<object, string>(key, (_tx, items) =>
      Promise.resolve(void flushed.push([...items])),
    );
    return { buffer, flushed };
  }

  it('buffers items added in a batch and flushes them once at its end, or each at once outside one', async () => {
    const { buffer, flushed } = recordingBuffer('timers');
    const tx = {};
    await withCommitHooks(tx, async () => {
      await buffer.add(tx, 'a');
      await buffer.add(tx, 'b');
      expect(flushed).toEqual([]);
    });
    expect(flushed).toEqual([['a', 'b']]);
    // The next batch on the same transaction object starts empty; outside a batch each item goes alone.
    await withCommitHooks(tx, () => buffer.add(tx, 'c'));
    await buffer.add(tx, 'd');
    expect(flushed).toEqual([['a', 'b'], ['c'], ['d']]);
  });

  it('addAll buffers many items in a batch, and outside one flushes them together', async () => {
    const { buffer, flushed } = recordingBuffer('outbox');
    const tx = {};
    await withCommitHooks(tx, async () => {
      await buffer.addAll(tx, ['a', 'b']);
      await buffer.addAll(tx, []);
      await buffer.add(tx, 'c');
    });
    await buffer.addAll(tx, ['d', 'e']);
    await buffer.addAll(tx, []);
    expect(flushed).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
  });
});
