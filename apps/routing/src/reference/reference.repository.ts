import { Injectable } from '@nestjs/common';
import { REFERENCE_KINDS } from '@jsjb/contracts';
import { assertDatabaseReachable } from '@jsjb/platform';
import { PrismaService } from '../database/prisma.service';
import type { Prisma } from '../generated/prisma/client';
import type { ReferenceKind } from './reference-version.domain';

export type Tx = Prisma.TransactionClient;

export interface ActiveVersion {
  kind: ReferenceKind;
  version: string;
  checksum: string;
  activatedAt: Date;
}

export interface StoredVersion {
  kind: ReferenceKind;
  version: string;
  checksum: string;
  payload: unknown;
  activatedAt: Date | null;
}

/** Imports of a large territory parse, diff and write several MB: more than Prisma's 5 s default. */
const TRANSACTION_TIMEOUT_MS = 120_000;

/**
 * reference_version: every imported version of each kind, its payload and checksum. The version in
 * force of a kind is the one activated last (greatest activated_at).
 */
@Injectable()
export class ReferenceRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Stops the boot with DATABASE.UNREACHABLE when the database does not answer: the reference data
   * loads while providers are built, before the Prisma service's own boot check runs.
   */
  assertReachable(): Promise<void> {
    return assertDatabaseReachable(this.prisma, this.prisma.databaseUrl);
  }

  /** Runs `work` in one transaction (the version rows and their outbox events together). */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work, {
      timeout: TRANSACTION_TIMEOUT_MS,
      maxWait: TRANSACTION_TIMEOUT_MS,
    });
  }

  /**
   * Serialises writers of these kinds until the transaction ends: instances seeding at the same boot,
   * or two imports. Locks are taken in REFERENCE_KINDS order so that two writers never deadlock.
   */
  async lock(tx: Tx, kinds: readonly ReferenceKind[]): Promise<void> {
    for (const kind of REFERENCE_KINDS.filter((k) => kinds.includes(k))) {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext($1))`, `jsjb.reference.${kind}`);
    }
  }

  /** The version in force of each kind that has one: one indexed row per kind, no payloads. */
  async activeVersions(tx?: Tx): Promise<Map<ReferenceKind, ActiveVersion>> {
    const rows = await (tx ?? this.prisma).$queryRaw<
      { kind: ReferenceKind; version: string; checksum: string; activated_at: Date }[]
    >`SELECT DISTINCT ON (kind) kind, version, checksum, activated_at
        FROM reference_version
       WHERE activated_at IS NOT NULL
       ORDER BY kind, activated_at DESC, version DESC`;
    return new Map(
      rows.map((r) => [
        r.kind,
        { kind: r.kind, version: r.version, checksum: r.checksum, activatedAt: r.activated_at },
      ]),
    );
  }

  async find(kind: ReferenceKind, version: string, tx?: Tx): Promise<StoredVersion | null> {
    const row = await (tx ?? this.prisma).referenceVersion.findUnique({
      where: { kind_version: { kind, version } },
    });
    return row
      ? {
          kind,
          version: row.version,
          checksum: row.checksum,
          payload: row.payload,
          activatedAt: row.activatedAt,
        }
      : null;
  }

  /** The checksum of a stored version, without its payload. */
  async checksum(tx: Tx, kind: ReferenceKind, version: string): Promise<string | undefined> {
    const row = await tx.referenceVersion.findUnique({
      where: { kind_version: { kind, version } },
      select: { checksum: true },
    });
    return row?.checksum;
  }

  async insert(
    tx: Tx,
    row: { kind: ReferenceKind; version: string; checksum: string; payload: unknown },
  ): Promise<void> {
    await tx.referenceVersion.create({
      data: {
        kind: row.kind,
        version: row.version,
        checksum: row.checksum,
        payload: row.payload as Prisma.InputJsonValue,
      },
    });
  }

  async activate(tx: Tx, kind: ReferenceKind, version: string, at: Date): Promise<void> {
    await tx.referenceVersion.update({
      where: { kind_version: { kind, version } },
      data: { activatedAt: at },
    });
  }
}
