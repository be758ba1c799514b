import { Injectable } from '@nestjs/common';
import {
  REFERENCE_KINDS,
  referenceAreaSchema,
  referenceCatalogueItemSchema,
  referenceUnitSchema,
} from '@jsjb/contracts';
import { assertDatabaseReachable } from '@jsjb/platform';
import type { z } from 'zod';
import { PrismaService } from '../database/prisma.service';
import { Prisma } from '../generated/prisma/client';
import {
  NO_VERSION,
  type ReferenceArea,
  type ReferenceCatalogueItem,
  type ReferenceContent,
  type ReferenceKind,
  type ReferenceUnit,
  type VersionState,
} from './reference.domain';

export type Tx = Prisma.TransactionClient;

/** A part's entries: upserted rows and removed keys of one kind. */
export type ReferenceEntries =
  | { kind: 'territory'; upserted: readonly ReferenceArea[]; removed: readonly string[] }
  | { kind: 'units'; upserted: readonly ReferenceUnit[]; removed: readonly string[] }
  | { kind: 'catalogue'; upserted: readonly ReferenceCatalogueItem[]; removed: readonly string[] };

/** What is stored of a kind: its version state, when the version in force was applied, its rows. */
export interface StoredKindStatus extends VersionState {
  kind: ReferenceKind;
  appliedAt: Date | null;
  rows: number;
}

/**
 * reference_version keeps one row per kind. Its `version` column is NOT NULL, so a kind whose first
 * snapshot is still arriving (no version in force yet) is stored with an empty version.
 */
const NONE = '';

/**
 * Intake's copy of routing's reference data: reference_version (per kind: version in force and the
 * version being applied) and the rows of each kind (reference_area, reference_unit,
 * reference_catalogue_item).
 */
@Injectable()
export class ReferenceRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Stops the boot with DATABASE.UNREACHABLE when the database does not answer: the read model loads
   * while providers are built, before the Prisma service's own boot check runs.
   */
  assertReachable(): Promise<void> {
    return assertDatabaseReachable(this.prisma, this.prisma.databaseUrl);
  }

  /**
   * Serialises writers of a kind until the transaction ends (two instances handling the same kind's
   * events while a partition moves between them).
   */
  async lock(tx: Tx, kind: ReferenceKind): Promise<void> {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext($1))`, `jsjb.intake.reference.${kind}`);
  }

  async versionState(tx: Tx, kind: ReferenceKind): Promise<VersionState> {
    const row = await tx.referenceVersion.findUnique({ where: { kind } });
    return row ? toState(row) : NO_VERSION;
  }

  /**
   * Stores a kind's version state. `appliedAt` records when the version in force was applied, so it
   * moves only when `switched` (a version's last part); a first row gets it at once (NOT NULL).
   */
  async saveVersionState(
    tx: Tx,
    kind: ReferenceKind,
    state: VersionState,
    now: Date,
    switched: boolean,
  ): Promise<void> {
    const data = { version: state.version ?? NONE, pending: state.pending, pendingParts: state.pendingParts };
    await tx.referenceVersion.upsert({
      where: { kind },
      create: { kind, ...data, appliedAt: now },
      update: { ...data, ...(switched ? { appliedAt: now } : {}) },
    });
  }

  /** Removes every row of a kind (a snapshot replaces them). */
  async clear(tx: Tx, kind: ReferenceKind): Promise<void> {
    switch (kind) {
      case 'territory':
        await tx.referenceArea.deleteMany({});
        return;
      case 'units':
        await tx.referenceUnit.deleteMany({});
        return;
      case 'catalogue':
        await tx.referenceCatalogueItem.deleteMany({});
        return;
    }
  }

  /** Upserts and removes one part's entries: rows of every key it names are deleted, then the upserted inserted. */
  async write(tx: Tx, entries: ReferenceEntries): Promise<void> {
    switch (entries.kind) {
      case 'territory': {
        const codes = [...entries.upserted.map((a) => a.code), ...entries.removed];
        if (codes.length > 0) await tx.referenceArea.deleteMany({ where: { code: { in: codes } } });
        if (entries.upserted.length > 0) {
          await tx.referenceArea.createMany({ data: entries.upserted.map((a) => ({ ...a })) });
        }
        return;
      }
      case 'units': {
        const ids = [...entries.upserted.map((u) => u.id), ...entries.removed];
        if (ids.length > 0) await tx.referenceUnit.deleteMany({ where: { id: { in: ids } } });
        if (entries.upserted.length > 0) {
          await tx.referenceUnit.createMany({
            data: entries.upserted.map((u) => ({ ...u, serviceArea: [...u.serviceArea] })),
          });
        }
        return;
      }
      case 'catalogue': {
        const codes = [...entries.upserted.map((i) => i.code), ...entries.removed];
        if (codes.length > 0) await tx.referenceCatalogueItem.deleteMany({ where: { code: { in: codes } } });
        if (entries.upserted.length > 0) {
          await tx.referenceCatalogueItem.createMany({
            data: entries.upserted.map((i) => ({ ...i, path: [...i.path], keywords: [...i.keywords] })),
          });
        }
        return;
      }
    }
  }

  /** Each kind's version state (no rows): what the read model polls. */
  async versionStates(): Promise<Map<ReferenceKind, VersionState>> {
    const rows = await this.prisma.referenceVersion.findMany();
    return new Map(rows.flatMap((r) => (isKind(r.kind) ? [[r.kind, toState(r)] as const] : [])));
  }

  /**
   * A kind's version state and rows, read in one repeatable-read snapshot so that the rows are the
   * ones of the version read with them.
   */
  async load(kind: ReferenceKind): Promise<{ state: VersionState; content: ReferenceContent }> {
    const isolation = { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead };
    switch (kind) {
      case 'territory': {
        const [row, rows] = await this.prisma.$transaction(
          [
            this.prisma.referenceVersion.findUnique({ where: { kind } }),
            this.prisma.referenceArea.findMany({ orderBy: { code: 'asc' } }),
          ],
          isolation,
        );
        const state = row ? toState(row) : NO_VERSION;
        const entries = rows.map((r) => parseRow(referenceAreaSchema, r, kind));
        return { state, content: { kind, version: state.version, entries } };
      }
      case 'units': {
        const [row, rows] = await this.prisma.$transaction(
          [
            this.prisma.referenceVersion.findUnique({ where: { kind } }),
            this.prisma.referenceUnit.findMany({ orderBy: { id: 'asc' } }),
          ],
          isolation,
        );
        const state = row ? toState(row) : NO_VERSION;
        const entries = rows.map((r) => parseRow(referenceUnitSchema, r, kind));
        return { state, content: { kind, version: state.version, entries } };
      }
      case 'catalogue': {
        const [row, rows] = await this.prisma.$transaction(
          [
            this.prisma.referenceVersion.findUnique({ where: { kind } }),
            this.prisma.referenceCatalogueItem.findMany({ orderBy: { code: 'asc' } }),
          ],
          isolation,
        );
        const state = row ? toState(row) : NO_VERSION;
        const entries = rows.map((r) => parseRow(referenceCatalogueItemSchema, r, kind));
        return { state, content: { kind, version: state.version, entries } };
      }
    }
  }

  /** Per kind: version state, when the version in force was applied, and how many rows are stored. */
  async status(): Promise<StoredKindStatus[]> {
    const [versions, areas, units, items] = await this.prisma.$transaction([
      this.prisma.referenceVersion.findMany(),
      this.prisma.referenceArea.count(),
      this.prisma.referenceUnit.count(),
      this.prisma.referenceCatalogueItem.count(),
    ]);
    const rows: Record<ReferenceKind, number> = { territory: areas, units, catalogue: items };
    return REFERENCE_KINDS.map((kind) => {
      const row = versions.find((v) => v.kind === kind);
      const state = row ? toState(row) : NO_VERSION;
      return {
        kind,
        ...state,
        appliedAt: state.version === null ? null : (row?.appliedAt ?? null),
        rows: rows[kind],
      };
    });
  }
}

function toState(row: { version: string; pending: string | null; pendingParts: number }): VersionState {
  return {
    version: row.version === NONE ? null : row.version,
    pending: row.pending,
    pendingParts: row.pendingParts,
  };
}

function isKind(kind: string): kind is ReferenceKind {
  return (REFERENCE_KINDS as readonly string[]).includes(kind);
}

/** Rows were written from validated events; a row that no longer passes the contract is a bug or tampering. */
function parseRow<S extends z.ZodType>(schema: S, row: unknown, kind: ReferenceKind): z.infer<S> {
  const parsed = schema.safeParse(row);
  if (!parsed.success) {
    throw new Error(`A stored ${kind} row does not match the reference contract`, { cause: parsed.error });
  }
  return parsed.data;
}
