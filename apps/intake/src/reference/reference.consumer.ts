import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { CatalogueChangedV1, TerritoryChangedV1, UnitsChangedV1 } from '@jsjb/contracts';
import { EventContext } from '@jsjb/messaging';
import type { Prisma } from '../generated/prisma/client';
import { ReferenceReadModel } from './reference-read-model';
import type { ReferenceEntries } from './reference.repository';
import { type PartOutcome, ReferenceService } from './reference.service';

type ReferencePart = TerritoryChangedV1 | UnitsChangedV1 | CatalogueChangedV1;

/**
 * `territory.changed.v1`, `units.changed.v1`, `catalogue.changed.v1` → intake's copy of the reference
 * data, in the consumer's transaction (the inbox makes a redelivered part a no-op).
 */
@Controller()
export class ReferenceConsumer {
  constructor(
    private readonly reference: ReferenceService,
    private readonly readModel: ReferenceReadModel,
  ) {}

  @EventPattern('territory.changed.v1')
  async onTerritory(
    @Payload() event: TerritoryChangedV1,
    @Ctx() ctx: EventContext<Prisma.TransactionClient>,
  ): Promise<void> {
    await this.apply(ctx, event, { kind: 'territory', upserted: event.upserted, removed: event.removed });
  }

  @EventPattern('units.changed.v1')
  async onUnits(
    @Payload() event: UnitsChangedV1,
    @Ctx() ctx: EventContext<Prisma.TransactionClient>,
  ): Promise<void> {
    await this.apply(ctx, event, { kind: 'units', upserted: event.upserted, removed: event.removed });
  }

  @EventPattern('catalogue.changed.v1')
  async onCatalogue(
    @Payload() event: CatalogueChangedV1,
    @Ctx() ctx: EventContext<Prisma.TransactionClient>,
  ): Promise<void> {
    await this.apply(ctx, event, { kind: 'catalogue', upserted: event.upserted, removed: event.removed });
  }

  private async apply(
    ctx: EventContext<Prisma.TransactionClient>,
    event: ReferencePart,
    entries: ReferenceEntries,
  ): Promise<void> {
    const outcome: PartOutcome = await this.reference.applyPart(ctx.tx, event, entries);
    if (outcome.outcome === 'applied' && outcome.completes) {
      this.readModel.versionApplied(entries.kind, outcome.version);
    }
  }
}
