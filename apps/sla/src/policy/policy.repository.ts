import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { Prisma } from '../generated/prisma/client';

export interface StoredPolicyVersion {
  version: string;
  description: string;
  effectiveFrom: Date;
  document: unknown;
  createdBy: string;
  createdAt: Date;
}

@Injectable()
export class PolicyRepository {
  constructor(private readonly prisma: PrismaService) {}

  all(): Promise<StoredPolicyVersion[]> {
    return this.prisma.slaPolicyVersion.findMany({ orderBy: { effectiveFrom: 'asc' } });
  }

  /** Stores a version unless one of that name exists; true when this call stored it. */
  async insert(version: Omit<StoredPolicyVersion, 'createdAt'>): Promise<boolean> {
    const inserted = await this.prisma.slaPolicyVersion.createMany({
      data: [{ ...version, document: version.document as Prisma.InputJsonValue }],
      skipDuplicates: true,
    });
    return inserted.count === 1;
  }
}
