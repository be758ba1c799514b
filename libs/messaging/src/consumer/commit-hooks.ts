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
const scopes = new WeakMap<object, Map<string, () => Promise<void>>>();

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
  const scope = new Map<string, () => Promise<void>>();
  scopes.set(tx, scope);
  try {
    const result = await body();
    for (const key of [...scope.keys()].sort()) await scope.get(key)?.();
    return result;
  } finally {
    scopes.delete(tx);
  }
}
