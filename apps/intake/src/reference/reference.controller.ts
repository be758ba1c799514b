import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ReferenceReadModel } from './reference-read-model';
import type { ReferenceKind } from './reference.domain';
import { ReferenceRepository } from './reference.repository';

export interface ReferenceKindStatus {
  /** The version in force as stored; null before a first snapshot arrived. */
  version: string | null;
  appliedAt: string | null;
  /** Rows stored. */
  rows: number;
  /** A version whose parts are arriving. */
  pending: { version: string; partsApplied: number } | null;
  /** The version and entries this instance answers lookups from (catches up within a second). */
  inForceHere: { version: string | null; entries: number };
}

/** What intake holds of routing's reference data (territory, units, dispatch catalogue). */
@ApiTags('reference')
@ApiBearerAuth()
@Controller('reference')
export class ReferenceController {
  constructor(
    private readonly repository: ReferenceRepository,
    private readonly readModel: ReferenceReadModel,
  ) {}

  @Get('status')
  @ApiOperation({
    summary: "Versions and sizes of intake's copy of the territory, units and dispatch catalogue",
    description:
      'Per kind: the version stored and when it was applied, the rows stored, a version still arriving in ' +
      'parts, and what this instance answers from. A kind stuck without a version, or behind routing, ' +
      'catches up with the next snapshot: POST /reference/{kind}/snapshot on routing (admin) publishes one.',
  })
  async status(): Promise<Record<ReferenceKind, ReferenceKindStatus>> {
    const stored = await this.repository.status();
    const entries = stored.map((s): [ReferenceKind, ReferenceKindStatus] => [
      s.kind,
      {
        version: s.version,
        appliedAt: s.appliedAt?.toISOString() ?? null,
        rows: s.rows,
        pending: s.pending === null ? null : { version: s.pending, partsApplied: s.pendingParts },
        inForceHere: { version: this.readModel.version(s.kind), entries: this.readModel.count(s.kind) },
      },
    ]);
    return Object.fromEntries(entries) as Record<ReferenceKind, ReferenceKindStatus>;
  }
}
