import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { createTestDatabase, schemaDrift, type TestDatabase } from '../../src';

const root = resolve(__dirname, '../../../..');

/** A schema using what our services use: enums, relations, native types, mapped names, indexes. */
const schema = (output: string): string => `
generator dmmf {
  provider = "node ${join(root, 'tools/prisma/dmmf-generator.cjs')}"
  output   = "${output}"
}
datasource db {
  provider = "postgresql"
}
enum Channel {
  hotline
  app
  @@map("channel")
}
model Unit {
  id      String   @id @db.Uuid
  name    String   @db.VarChar(100)
  tickets Ticket[]
  @@map("unit")
}
model Ticket {
  id        BigInt    @id @default(autoincrement())
  number    String    @unique @db.VarChar(14)
  channel   Channel
  unitId    String?   @map("unit_id") @db.Uuid
  unit      Unit?     @relation(fields: [unitId], references: [id])
  tags      String[]
  dueAt     DateTime? @map("due_at") @db.Timestamptz(3)
  createdAt DateTime  @default(now()) @map("created_at")
  @@index([unitId, createdAt])
  @@map("ticket")
}
`;

/** The migration Prisma would write for that schema. */
const migrationSql = `
CREATE TYPE "channel" AS ENUM ('hotline', 'app');
CREATE TABLE "unit" ("id" UUID NOT NULL, "name" VARCHAR(100) NOT NULL, CONSTRAINT "unit_pkey" PRIMARY KEY ("id"));
CREATE TABLE "ticket" (
  "id" BIGSERIAL NOT NULL,
  "number" VARCHAR(14) NOT NULL,
  "channel" "channel" NOT NULL,
  "unit_id" UUID,
  "tags" TEXT[],
  "due_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "ticket_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "ticket_number_key" ON "ticket"("number");
CREATE INDEX "ticket_unit_id_created_at_idx" ON "ticket"("unit_id", "created_at");
ALTER TABLE "ticket" ADD CONSTRAINT "ticket_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "unit"("id") ON DELETE SET NULL ON UPDATE CASCADE;
`;

describe('schema drift check', () => {
  let dir: string;
  let dmmfPath: string;
  let db: TestDatabase;

  const withDrift = async (sql: string): Promise<string[]> => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query(sql);
      // Compare inside the transaction's effects by committing, then restore the baseline.
      await client.query('COMMIT');
      return await schemaDrift(dmmfPath, db.url);
    } finally {
      await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
      await client.query(migrationSql);
      await client.end();
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jsjb-drift-'));
    dmmfPath = join(dir, 'dmmf.json');
    await writeFile(join(dir, 'schema.prisma'), schema(dmmfPath));
    await promisify(execFile)(
      join(root, 'node_modules/.bin/prisma'),
      ['generate', '--schema', join(dir, 'schema.prisma')],
      {
        env: {
          ...process.env,
          PRISMA_SCHEMA_ENGINE_BINARY: join(root, 'tools/prisma/no-schema-engine'),
          PRISMA_HIDE_UPDATE_MESSAGE: '1',
        },
      },
    );
    db = await createTestDatabase('drift');
    const client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query(migrationSql);
    await client.end();
  });

  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds nothing when the migrations match the schema', async () => {
    expect(await schemaDrift(dmmfPath, db.url)).toEqual([]);
  });

  it('reports a column type that differs', async () => {
    expect(await withDrift('ALTER TABLE "unit" ALTER COLUMN "name" TYPE VARCHAR(50)')).toEqual([
      'column "unit"."name": type character varying(100) in schema.prisma, character varying(50) in the migrations',
    ]);
  });

  it('reports nullability that differs', async () => {
    expect(await withDrift('ALTER TABLE "ticket" ALTER COLUMN "due_at" SET NOT NULL')).toEqual([
      'column "ticket"."due_at": nullable in schema.prisma, NOT NULL in the migrations',
    ]);
  });

  it('reports a missing index and an extra one', async () => {
    const drift = await withDrift(
      'DROP INDEX "ticket_unit_id_created_at_idx"; CREATE INDEX "ticket_channel_idx" ON "ticket"("channel")',
    );
    expect(drift).toHaveLength(2);
    expect(drift[0]).toMatch(
      /^index "ticket_unit_id_created_at_idx" .* is in schema.prisma but not in the migrations$/,
    );
    expect(drift[1]).toMatch(/^index "ticket_channel_idx" .* is in the migrations but not in schema.prisma$/);
  });

  it('reports a unique index that became a plain one', async () => {
    const drift = await withDrift(
      'DROP INDEX "ticket_number_key"; CREATE INDEX "ticket_number_key" ON "ticket"("number")',
    );
    expect(drift).toEqual([
      expect.stringMatching(
        /^index "ticket_number_key": .*"unique":true.* in schema.prisma, .*"unique":false.* in the migrations$/,
      ),
    ]);
  });

  it('reports missing and extra tables and columns', async () => {
    const drift = await withDrift(
      'ALTER TABLE "ticket" DROP COLUMN "tags"; ALTER TABLE "unit" ADD COLUMN "phone" TEXT; CREATE TABLE "stray" ("id" INT)',
    );
    expect(drift).toEqual([
      'column "unit"."phone" is created by the migrations but not in schema.prisma',
      'column "ticket"."tags" is in schema.prisma but not in the migrations',
      'table "stray" is created by the migrations but not in schema.prisma',
    ]);
  });

  it('reports a foreign key and enum labels that differ', async () => {
    const drift = await withDrift(
      `ALTER TABLE "ticket" DROP CONSTRAINT "ticket_unit_id_fkey"; ALTER TYPE "channel" ADD VALUE 'web'`,
    );
    expect(drift).toEqual([
      expect.stringMatching(
        /^foreign key "ticket_unit_id_fkey" .* is in schema.prisma but not in the migrations$/,
      ),
      'enum "channel": ["hotline","app"] in schema.prisma, ["hotline","app","web"] in the migrations',
    ]);
  });
});
