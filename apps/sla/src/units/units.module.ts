import { Global, Module } from '@nestjs/common';
import { PLATFORM_CONFIG } from '@jsjb/platform';
import type { SlaConfig } from '../config';
import { UnitDirectory } from './unit-directory.service';
import { UnitsConsumer } from './units.consumer';
import { UnitsRepository } from './units.repository';
import { UnitsService } from './units.service';

export { UnitDirectory } from './unit-directory.service';
export { REFERENCE_EVENTS } from './units.consumer';
export { UNIT_CLASSES, type DirectoryUnit, type Escalation, type UnitClass } from './units.domain';

/**
 * sla's read model of routing's reference data: the unit directory (escalation targets, assessment
 * classes), area names and category names. Global: clocks, timers and assessment all read it.
 */
@Global()
@Module({
  controllers: [UnitsConsumer],
  providers: [
    UnitsRepository,
    UnitsService,
    {
      provide: UnitDirectory,
      inject: [UnitsRepository, PLATFORM_CONFIG],
      useFactory: (repository: UnitsRepository, config: SlaConfig): Promise<UnitDirectory> =>
        new UnitDirectory(repository, config.REFERENCE_REFRESH_MS).start(),
    },
  ],
  exports: [UnitDirectory],
})
export class UnitsModule {}
