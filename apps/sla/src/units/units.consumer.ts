import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { CatalogueChangedV1, TerritoryChangedV1, UnitsChangedV1 } from '@jsjb/contracts';
import { EventContext } from '@jsjb/messaging';
import type { Prisma } from '../generated/prisma/client';
import { UnitDirectory } from './unit-directory.service';
import type { ReferenceEntries } from './units.repository';
import { UnitsService } from './units.service';

type Context = EventContext<Prisma.TransactionClient>;

/** The reference events (not on the SlaEventBus: they are routing's reference stream, not the ticket stream). */
export const REFERENCE_EVENTS = ['territory.changed.v1', 'units.changed.v1', 'catalogue.changed.v1'] as const;

/** `units.changed.v1`, `territory.changed.v1`, `catalogue.changed.v1` → sla's copy, in the consumer's transaction. */
@Controller()
export class UnitsConsumer {
  constructor(
    private readonly units: UnitsService,
    private readonly directory: UnitDirectory,
  ) {}

  @EventPattern('units.changed.v1')
  onUnits(@Payload() event: UnitsChangedV1, @Ctx() ctx: Context): Promise<void> {
    return this.apply(ctx, event, { kind: 'units', upserted: event.upserted, removed: event.removed });
  }

  @EventPattern('territory.changed.v1')
  onTerritory(@Payload() event: TerritoryChangedV1, @Ctx() ctx: Context): Promise<void> {
    return this.apply(ctx, event, { kind: 'territory', upserted: event.upserted, removed: event.removed });
  }

  @EventPattern('catalogue.changed.v1')
  onCatalogue(@Payload() event: CatalogueChangedV1, @Ctx() ctx: Context): Promise<void> {
    return this.apply(ctx, event, { kind: 'catalogue', upserted: event.upserted, removed: event.removed });
  }

  private async apply(
    ctx: Context,
    event: UnitsChangedV1 | TerritoryChangedV1 | CatalogueChangedV1,
    entries: ReferenceEntries,
  ): Promise<void> {
    const outcome = await this.units.applyPart(ctx.tx, event, entries);
    if (outcome.outcome === 'applied' && outcome.completes)
      this.directory.versionApplied(entries.kind, event.version);
  }
}
