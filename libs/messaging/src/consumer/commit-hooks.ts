/**
 * Work a consumer's handlers defer to the end of their batch's transaction, just before it commits.
 *
 * A batch applies many events in one transaction, and several batches (partitions) run at once. When
 * their handlers bump shared counters (a unit's day, a hot spot) event by event, two batches lock
 * the same counter rows in different orders and deadlock. Deferred, each batch adds its increments
 * up and writes them once, at its end, in one key order — every transaction takes those locks in the
 * same order, last, and holds them only until its commit.
 *
 * Outside a consumer's batch (an HTTP request's transaction) there is nothing to defer to:
 * `deferToCommit` says so and the caller does its work at once.
 */
/** A batch's deferred work by key (a new map per batch: buffers key their items by it). */
type Scope = Map<string, () => Promise<void>>;

const scopes = new WeakMap<object, Scope>();

/**
 * Registers `work` to run at the end of `tx`'s batch; the first registration of a key wins (the work
 * reads what the handlers buffered). Returns false when `tx` is not a consumer batch's transaction.
 */
export function deferToCommit(tx: object, key: string, work: () => Promise<void>): boolean {
  const scope = scopes.get(tx);
  if (scope === undefined) return false;
  if (!scope.has(key)) scope.set(key, work);
  return true;
}

/** Runs `body` with `tx` open for deferrals, then the deferred work in key order, inside the transaction. */
export async function withCommitHooks<T>(tx: object, body: () => Promise<T>): Promise<T> {
  const scope: Scope = new Map();
  scopes.set(tx, scope);
  try {
    const result = await body();
    for (const key of [...scope.keys()].sort()) await scope.get(key)?.();
    return result;
  } finally {
    scopes.delete(tx);
  }
}

/**
 * Items a consumer batch's handlers add one by one and `flush` takes all at once at the batch's end
 * (one statement, one round trip), in the batch's transaction. Outside a batch an item is flushed
 * alone, at once.
 */
export class CommitBuffer<Tx extends object, T> {
  /** Per batch: a new batch (even on the same transaction object) starts empty. */
  private readonly pending = new WeakMap<Scope, T[]>();

  /** `key` names the buffer among the batch's deferred work (which runs in key order). */
  constructor(
    private readonly key: string,
    private readonly flush: (tx: Tx, items: readonly T[]) => Promise<void>,
  ) {}

  async add(tx: Tx, item: T): Promise<void> {
    return this.addAll(tx, [item]);
  }

  /** Outside a batch the items are flushed together, at once. */
  async addAll(tx: Tx, items: readonly T[]): Promise<void> {
    if (items.length === 0) return;
    const scope = scopes.get(tx);
    if (scope === undefined) return this.flush(tx, items);
    let pending = this.pending.get(scope);
    if (pending === undefined) {
      const fresh: T[] = [];
      this.pending.set(scope, fresh);
      deferToCommit(tx, this.key, () => this.flush(tx, fresh));
      pending = fresh;
    }
    pending.push(...items);
  }
}
