import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { Pool, type PoolClient, type QueryResultRow } from 'pg';
import { PlatformError } from '../errors/platform.error';

/**
 * node-postgres inside a Prisma interactive transaction, on the transaction's own connection.
 *
 * Prisma costs several times the driver's CPU per statement (its query compiler and interpreter);
 * on the hot paths that run for every event a repository may send a statement through the driver
 * instead, still inside the transaction it was handed: `transactionSql(tx).query(statement, values)`.
 *
 * How it knows the connection: `$transaction` of a PrismaServiceBase client runs in an async scope
 * (`inTransactionScope`), and the adapter's pool (`TransactionTrackingPool`) records in that scope
 * the connection it checks out for the transaction's BEGIN. The scope also records the `tx` the
 * callback got, so a repository handed anything else (the root client, a nested transaction) fails
 * loudly instead of running outside the transaction. When the transaction ends, the connection goes
 * back to the pool and the scope forgets it.
 */

/** A prepared statement: parsed once per connection under its name, then only bound and run. */
export interface SqlStatement {
  readonly name: string;
  readonly text: string;
}

/** PostgreSQL truncates longer names (NAMEDATALEN - 1), and two statements could then clash. */
const MAX_NAME_BYTES = 63;

/** Names must be unique per process: node-postgres refuses one name for two texts on a connection. */
const defined = new Map<string, string>();

export function sqlStatement(name: string, text: string): SqlStatement {
  if (Buffer.byteLength(name) > MAX_NAME_BYTES)
    throw new PlatformError(
      'DATABASE.STATEMENT_NAME_TOO_LONG',
      `SQL statement name ${name} is over ${MAX_NAME_BYTES} bytes`,
    );
  const known = defined.get(name);
  if (known !== undefined && known !== text)
    throw new PlatformError('DATABASE.STATEMENT_NAME_TAKEN', `SQL statement ${name} is defined twice`);
  defined.set(name, text);
  return { name, text };
}

const byText = new Map<string, SqlStatement>();

/**
 * A statement whose text a caller builds (an UPDATE of the columns it changes): named
 * `<prefix>.<hash of the text>`, so each distinct text is prepared once per connection.
 */
export function sqlStatementOf(prefix: string, text: string): SqlStatement {
  let statement = byText.get(text);
  if (statement === undefined) {
    statement = sqlStatement(
      `${prefix}.${createHash('sha1').update(text).digest('base64url').slice(0, 16)}`,
      text,
    );
    byText.set(text, statement);
  }
  return statement;
}

/**
 * The fields of `data` that are defined, as their columns (in `columns`' order, so that one set of
 * fields always gives one text) and values. Undefined leaves a column as it is, as Prisma does.
 * The driver sends an object as JSON but an array as a PostgreSQL array: a jsonb array goes as text.
 */
export function definedColumns<F extends string>(
  columns: Readonly<Record<F, string>>,
  data: Partial<Record<F, unknown>>,
): { columns: string[]; values: unknown[] } {
  const out = { columns: [] as string[], values: [] as unknown[] };
  for (const [field, column] of Object.entries(columns) as [F, string][]) {
    const value = data[field];
    if (value === undefined) continue;
    out.columns.push(column);
    out.values.push(value);
  }
  return out;
}

export interface TransactionSql {
  query<R extends QueryResultRow>(statement: SqlStatement, values: readonly unknown[]): Promise<R[]>;
}

interface Scope {
  /** The `tx` the transaction's callback got. */
  tx?: object;
  /** The connection the transaction runs on, while it runs. */
  client?: PoolClient;
}

const scopes = new AsyncLocalStorage<Scope>();

/**
 * Runs `start(bind)` (a Prisma `$transaction` call) in a scope of its own; `bind(tx)` is for the
 * transaction's callback to call first, with its `tx`.
 */
export function inTransactionScope<T>(start: (bind: (tx: object) => void) => T): T {
  const scope: Scope = {};
  return scopes.run(scope, () =>
    start((tx) => {
      scope.tx = tx;
    }),
  );
}

/** The driver on `tx`'s connection; `tx` must be the running transaction's (see the file's comment). */
export function transactionSql(tx: object): TransactionSql {
  const scope = scopes.getStore();
  const client = scope?.client;
  if (scope?.tx !== tx || client === undefined)
    throw new PlatformError(
      'DATABASE.NOT_IN_TRANSACTION',
      'transactionSql(tx) needs the tx of a running $transaction of a PrismaServiceBase client',
    );
  return {
    async query<R extends QueryResultRow>(statement: SqlStatement, values: readonly unknown[]) {
      if (scope.client !== client)
        throw new PlatformError('DATABASE.NOT_IN_TRANSACTION', 'the transaction has ended');
      const result = await client.query<R>({
        name: statement.name,
        text: statement.text,
        values: [...values],
      });
      return result.rows;
    },
  };
}

/**
 * The pool under a service's Prisma adapter. A connection checked out with `connect()` (the
 * adapter's startTransaction; plain queries check out with a callback) inside a transaction scope
 * is that transaction's, until it is released.
 */
export class TransactionTrackingPool extends Pool {
  override connect(): Promise<PoolClient>;
  override connect(
    callback: (
      err: Error | undefined,
      client: PoolClient | undefined,
      done: (release?: unknown) => void,
    ) => void,
  ): void;
  override connect(
    callback?: (
      err: Error | undefined,
      client: PoolClient | undefined,
      done: (release?: unknown) => void,
    ) => void,
  ): Promise<PoolClient> | void {
    if (callback) return super.connect(callback);
    const scope = scopes.getStore();
    if (scope === undefined || scope.client !== undefined) return super.connect();
    return super.connect().then((client) => {
      scope.client = client;
      // The pool gives each checkout a release function of its own: this one ends with it.
      const release = client.release.bind(client);
      client.release = (err?: Error | boolean) => {
        if (scope.client === client) scope.client = undefined;
        release(err);
      };
      return client;
    });
  }
}
