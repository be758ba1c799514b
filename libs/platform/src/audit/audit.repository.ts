import { Inject, Injectable } from '@nestjs/common';
import { GroupBatcher } from '../database/group-batcher';
import type { PrismaClientLike } from '../database/prisma';
import { DATABASE_CLIENT } from '../platform.tokens';
import type { AuditSummary } from './audit-note';
import { type AuditCursor, type AuditQuery, encodeAuditCursor } from './audit-query';

/** One row of `audit_log`: who did what to which resources, when, with what outcome. */
export interface AuditEntry {
  id: string;
  at: Date;
  actor: { subject: string; role: string; unitId: string | null };
  /** The route key, `METHOD /route/:pattern`. */
  action: string;
  resourceIds: Readonly<Record<string, string>>;
  /** The HTTP status answered (or, for a failure, the one its error maps to). */
  status: number;
  errorCode: string | null;
  requestId: string;
  before: AuditSummary | null;
  after: AuditSummary | null;
  /** The request body's field names, never its values. */
  bodyFields: readonly string[] | null;
}

export interface AuditPage {
  items: AuditEntry[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** Rows per INSERT: the batch is one JSON parameter, so the size is bounded only by memory. */
const MAX_BATCH = 200;

const COLUMNS =
  'id, at, actor_subject, actor_role, actor_unit_id, action, resource_ids, status, error_code, request_id, "before", "after", body_fields';

/** One statement for a whole batch: the rows travel as one JSON array. */
const INSERT_SQL = `INSERT INTO audit_log (${COLUMNS})
SELECT ${COLUMNS} FROM jsonb_to_recordset($1::jsonb) AS r(
  id uuid, at timestamptz, actor_subject text, actor_role text, actor_unit_id text, action text,
  resource_ids jsonb, status integer, error_code text, request_id text, "before" jsonb, "after" jsonb,
  body_fields text[])`;

interface AuditRow {
  id: string;
  at: Date | string;
  actor_subject: string;
  actor_role: string;
  actor_unit_id: string | null;
  action: string;
  resource_ids: Record<string, string>;
  status: number;
  error_code: string | null;
  request_id: string;
  before: AuditSummary | null;
  after: AuditSummary | null;
  body_fields: string[] | null;
}

function toRow(entry: AuditEntry): AuditRow {
  return {
    id: entry.id,
    at: entry.at.toISOString(),
    actor_subject: entry.actor.subject,
    actor_role: entry.actor.role,
    actor_unit_id: entry.actor.unitId,
    action: entry.action,
    resource_ids: { ...entry.resourceIds },
    status: entry.status,
    error_code: entry.errorCode,
    request_id: entry.requestId,
    before: entry.before,
    after: entry.after,
    body_fields: entry.bodyFields === null ? null : [...entry.bodyFields],
  };
}

function fromRow(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: new Date(row.at),
    actor: { subject: row.actor_subject, role: row.actor_role, unitId: row.actor_unit_id },
    action: row.action,
    resourceIds: row.resource_ids,
    status: Number(row.status),
    errorCode: row.error_code,
    requestId: row.request_id,
    before: row.before,
    after: row.after,
    bodyFields: row.body_fields,
  };
}

/**
 * The service's `audit_log` table (append-only: a trigger refuses UPDATE, DELETE and TRUNCATE),
 * through raw SQL on the service's own database client, so the platform needs no generated client.
 * Rows of concurrent requests are written together (group commit): one INSERT per batch.
 */
@Injectable()
export class AuditRepository {
  private readonly writes: GroupBatcher<AuditEntry, true>;

  constructor(@Inject(DATABASE_CLIENT) private readonly db: PrismaClientLike) {
    this.writes = new GroupBatcher(async (entries) => {
      await this.db.$executeRawUnsafe(INSERT_SQL, JSON.stringify(entries.map(toRow)));
      return entries.map(() => true as const);
    }, MAX_BATCH);
  }

  async append(entry: AuditEntry): Promise<void> {
    await this.writes.submit(entry);
  }

  /** Newest first, keyset-paged on (at, id). */
  async page(query: AuditQuery): Promise<AuditPage> {
    const where: string[] = [];
    const values: unknown[] = [];
    const bind = (value: unknown): string => {
      values.push(value);
      return `$${values.length}`;
    };
    if (query.actor !== undefined) where.push(`actor_subject = ${bind(query.actor)}`);
    if (query.action !== undefined) where.push(`action = ${bind(query.action)}`);
    if (query.resourceId !== undefined) {
      // Any value of the object: answered by the GIN index (jsonb_ops supports `.*` in jsonpath).
      where.push(`resource_ids @? ${bind(`$.* ? (@ == ${JSON.stringify(query.resourceId)})`)}::jsonpath`);
    }
    if (query.from !== undefined) where.push(`at >= ${bind(query.from.toISOString())}::timestamptz`);
    if (query.to !== undefined) where.push(`at < ${bind(query.to.toISOString())}::timestamptz`);
    if (query.cursor !== undefined) {
      where.push(
        `(at, id) < (${bind(query.cursor.at.toISOString())}::timestamptz, ${bind(query.cursor.id)}::uuid)`,
      );
    }
    const sql = `SELECT ${COLUMNS} FROM audit_log
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY at DESC, id DESC LIMIT ${bind(query.limit + 1)}::int`;
    const rows = await this.db.$queryRawUnsafe<AuditRow[]>(sql, ...values);
    const items = rows.slice(0, query.limit).map(fromRow);
    const last = items.at(-1);
    const next: AuditCursor | undefined = rows.length > query.limit && last ? last : undefined;
    return { items, nextCursor: next ? encodeAuditCursor({ at: next.at, id: next.id }) : null };
  }
}
