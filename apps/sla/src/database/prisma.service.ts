import { Inject, Injectable } from '@nestjs/common';
import { createPgAdapter, PLATFORM_CONFIG, PrismaServiceBase } from '@jsjb/platform';
import type { SlaConfig } from '../config';
import { PrismaClient } from '../generated/prisma/client';

/** The sla database (jsjb_sla). Used only inside *.repository.ts files. */
@Injectable()
export class PrismaService extends PrismaServiceBase(PrismaClient) {
  override readonly databaseUrl: string;

  constructor(@Inject(PLATFORM_CONFIG) config: SlaConfig) {
    super({ adapter: createPgAdapter(config) });
    this.databaseUrl = config.DATABASE_URL;
  }
}
