/**
 * What messaging needs of a Prisma client or transaction: raw SQL. Structural, so the library
 * works with every service's generated client without depending on any of them.
 */
export interface SqlExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
}

/** A Prisma client: runs a function in an interactive transaction. */
export interface TransactionRunner<Tx extends SqlExecutor = SqlExecutor> {
  $transaction<R>(
    fn: (tx: Tx) => Promise<R>,
    options?: { maxWait?: number; timeout?: number; isolationLevel?: 'ReadCommitted' },
  ): Promise<R>;
}
