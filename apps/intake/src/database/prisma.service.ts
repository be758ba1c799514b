import { Inject, Injectable } from '@nestjs/common';
import { createPgAdapter, PLATFORM_CONFIG, PrismaServiceBase } from '@jsjb/platform';
import type { IntakeConfig } from '../config';
import { PrismaClient } from '../generated/prisma/client';

/** The intake database (jsjb_intake). Used only inside *.repository.ts files. */
@Injectable()
export class PrismaService extends PrismaServiceBase(PrismaClient) {
  override readonly databaseUrl: string;

  constructor(@Inject(PLATFORM_CONFIG) config: IntakeConfig) {
    super({ adapter: createPgAdapter(config) });
    this.databaseUrl = config.DATABASE_URL;
  }
}
