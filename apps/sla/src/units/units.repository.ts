import { Injectable } from '@nestjs/common';
import {
  AREA_LEVEL_CODES,
  REFERENCE_KINDS,
  type referenceAreaSchema,
  type referenceCatalogueItemSchema,
  type referenceUnitSchema,
  UNIT_KINDS,
  URGENCY_CLASSES,
} from '@jsjb/contracts';
import { assertDatabaseReachable } from '@jsjb/platform';
import type { z } from 'zod';
import { PrismaService } from '../database/prisma.service';
import { Prisma } from '../generated/prisma/client';
import { type DirectoryContent, NO_VERSION, type ReferenceKind, type VersionState } from './units.domain';

export type Tx = Prisma.TransactionClient;

/** One part's entries, as the contract carries them (sla keeps only what it uses). */
export type ReferenceEntries =
  | {
      kind: 'territory';
      upserted: readonly z.infer<typeof referenceAreaSchema>[];
      removed: readonly string[];
    }
  | { kind: 'units'; upserted: readonly z.infer<typeof referenceUnitSchema>[]; removed: readonly string[] }
  | {
      kind: 'catalogue';
      upserted: readonly z.infer<typeof referenceCatalogueItemSchema>[];
      removed: readonly string[];
    };

/** reference_version.version is NOT NULL: a kind with no version in force yet stores ''. */
const NONE = '';

/** sla's copy of the reference data: reference_version, reference_unit, reference_area, reference_category. */
@Injectable()
export class UnitsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The directory loads while providers are built, before the Prisma service's own boot check. */
  assertReachable(): Promise<void> {
    return assertDatabaseReachable(this.prisma, this.prisma.databaseUrl);
  }

  /** Serialises writers of a kind until the transaction ends. */
  async lock(tx: Tx, kind: ReferenceKind): Promise<void> {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext($1))`, `jsjb.sla.reference.${kind}`);
  }

  async versionState(tx: Tx, kind: ReferenceKind): Promise<VersionState> {
    const row = await tx.referenceVersion.findUnique({ where: { kind } });
    return row ? toState(row) : NO_VERSION;
  }

  async saveVersionState(tx: Tx, kind: ReferenceKind, state: VersionState, now: Date): Promise<void> {
    const data = { version: state.version ?? NONE, pending: state.pending, pendingParts: state.pendingParts };
    await tx.referenceVersion.upsert({
      where: { kind },
      create: { kind, ...data, appliedAt: now },
      update: { ...data, appliedAt: now },
    });
  }

  async clear(tx: Tx, kind: ReferenceKind): Promise<void> {
    switch (kind) {
      case 'territory':
        await tx.referenceArea.deleteMany({});
        return;
      case 'units':
        await tx.referenceUnit.deleteMany({});
        return;
      case 'catalogue':
        await tx.referenceCategory.deleteMany({});
        return;
    }
  }

  /** Rows of every key the part names are deleted, then the upserted ones inserted. */
  async write(tx: Tx, entries: ReferenceEntries): Promise<void> {
    switch (entries.kind) {
      case 'territory': {
        const codes = [...entries.upserted.map((a) => a.code), ...entries.removed];
        if (codes.length > 0) await tx.referenceArea.deleteMany({ where: { code: { in: codes } } });
        await tx.referenceArea.createMany({
          data: entries.upserted.map(({ code, name, level, parentCode }) => ({
            code,
            name,
            level,
            parentCode,
          })),
        });
        return;
      }
      case 'units': {
        const ids = [...entries.upserted.map((u) => u.id), ...entries.removed];
        if (ids.length > 0) await tx.referenceUnit.deleteMany({ where: { id: { in: ids } } });
        await tx.referenceUnit.createMany({
          data: entries.upserted.map(({ id, kind, name, districtCode, streetCode }) => ({
            id,
            kind,
            name,
            districtCode,
            streetCode,
          })),
        });
        return;
      }
      case 'catalogue': {
        const codes = [...entries.upserted.map((i) => i.code), ...entries.removed];
        if (codes.length > 0) await tx.referenceCategory.deleteMany({ where: { code: { in: codes } } });
        await tx.referenceCategory.createMany({
          data: entries.upserted.map(({ code, name, path, urgency }) => ({
            code,
            name,
            path: [...path],
            urgency,
          })),
        });
        return;
      }
    }
  }

  async versionStates(): Promise<Map<ReferenceKind, VersionState>> {
    const rows = await this.prisma.referenceVersion.findMany();
    return new Map(rows.flatMap((r) => (isKind(r.kind) ? [[r.kind, toState(r)] as const] : [])));
  }

  /** A kind's version and rows, read in one repeatable-read snapshot. */
  async load(kind: ReferenceKind): Promise<{ state: VersionState; content: DirectoryContent }> {
    const isolation = { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead };
    const version = this.prisma.referenceVersion.findUnique({ where: { kind } });
    switch (kind) {
      case 'units': {
        const [row, rows] = await this.prisma.$transaction(
          [version, this.prisma.referenceUnit.findMany()],
          isolation,
        );
        const state = row ? toState(row) : NO_VERSION;
        const entries = rows.map((r) => ({ ...r, kind: oneOf(UNIT_KINDS, r.kind, 'unit kind') }));
        return { state, content: { kind, version: state.version, entries } };
      }
      case 'territory': {
        const [row, rows] = await this.prisma.$transaction(
          [version, this.prisma.referenceArea.findMany()],
          isolation,
        );
        const state = row ? toState(row) : NO_VERSION;
        const entries = rows.map((r) => ({ ...r, level: oneOf(AREA_LEVEL_CODES, r.level, 'area level') }));
        return { state, content: { kind, version: state.version, entries } };
      }
      case 'catalogue': {
        const [row, rows] = await this.prisma.$transaction(
          [version, this.prisma.referenceCategory.findMany()],
          isolation,
        );
        const state = row ? toState(row) : NO_VERSION;
        const entries = rows.map((r) => ({ ...r, urgency: oneOf(URGENCY_CLASSES, r.urgency, 'urgency') }));
        return { state, content: { kind, version: state.version, entries } };
      }
    }
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

/** Rows were written from validated events: a value outside the contract is a bug or tampering. */
function oneOf<T extends string>(values: readonly T[], value: string, what: string): T {
  if ((values as readonly string[]).includes(value)) return value as T;
  throw new Error(`A stored ${what} (${value}) does not match the reference contract`);
}
