import { Inject, Injectable } from '@nestjs/common';
import { createPgAdapter, PLATFORM_CONFIG, PrismaServiceBase } from '@jsjb/platform';
import type { RoutingConfig } from '../config';
import { PrismaClient } from '../generated/prisma/client';

/** The routing database (jsjb_routing). Used only inside *.repository.ts files. */
@Injectable()
export class PrismaService extends PrismaServiceBase(PrismaClient) {
  override readonly databaseUrl: string;

  constructor(@Inject(PLATFORM_CONFIG) config: RoutingConfig) {
    super({ adapter: createPgAdapter(config) });
    this.databaseUrl = config.DATABASE_URL;
  }
}
