import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { Prisma } from '../generated/prisma/client';

/** A ticket's caller columns as `pii-rekey` reads them. */
export interface TicketCallerRow {
  id: string;
  callerName: string | null;
  callerPhone: string | null;
  callerNameSealed: Uint8Array | null;
  callerPhoneSealed: Uint8Array | null;
  callerPiiKeyId: string | null;
}

export interface TicketCallerUpdate {
  id: string;
  callerNameSealed: Uint8Array<ArrayBuffer> | null;
  callerPhoneSealed: Uint8Array<ArrayBuffer> | null;
  callerPiiKeyId: string | null;
  callerPhoneHash: string | null;
}

/** A phone flag's subject columns as `pii-rekey` reads them. */
export interface FlagSubjectRow {
  id: string;
  subject: string;
  subjectSealed: Uint8Array | null;
  subjectKeyId: string | null;
}

export interface FlagSubjectUpdate {
  id: string;
  subject: string;
  subjectSealed: Uint8Array<ArrayBuffer>;
  subjectKeyId: string;
}

const FIRST_ID = '00000000-0000-0000-0000-000000000000';

/**
 * The batches of `pii-rekey`: rows still holding plain personal data, or sealed with a key other
 * than the active one, in id order after the last batch's. Each batch is read with FOR UPDATE and
 * written in one transaction, so an interrupted run loses nothing and a concurrent one skips what
 * this one changed (the row no longer matches when its lock is granted).
 */
@Injectable()
export class PiiRekeyRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Reseals one batch of tickets after `afterId` (null: from the start); the batch's last id, null when none was left. */
  ticketBatch(
    afterId: string | null,
    activeKeyId: string,
    limit: number,
    reseal: (rows: readonly TicketCallerRow[]) => TicketCallerUpdate[],
  ): Promise<{ rows: number; lastId: string | null }> {
    return this.batch(
      (tx) => tx.$queryRaw<TicketCallerRow[]>`
        SELECT id::text AS id, caller_name AS "callerName", caller_phone AS "callerPhone",
               caller_name_sealed AS "callerNameSealed", caller_phone_sealed AS "callerPhoneSealed",
               caller_pii_key_id AS "callerPiiKeyId"
          FROM ticket
         WHERE id > ${afterId ?? FIRST_ID}::uuid
           AND (caller_name IS NOT NULL OR caller_phone IS NOT NULL
                OR (caller_pii_key_id IS NOT NULL AND caller_pii_key_id <> ${activeKeyId}))
         ORDER BY id
         LIMIT ${limit}
           FOR UPDATE`,
      reseal,
      (tx, updates) => tx.$executeRaw`
        UPDATE ticket AS t
           SET caller_name = NULL, caller_phone = NULL,
               caller_name_sealed = v.name_sealed, caller_phone_sealed = v.phone_sealed,
               caller_pii_key_id = v.key_id, caller_phone_hash = v.phone_hash
          FROM (VALUES ${Prisma.join(
            updates.map(
              (u) =>
                Prisma.sql`(${u.id}::uuid, ${u.callerNameSealed}::bytea, ${u.callerPhoneSealed}::bytea, ${u.callerPiiKeyId}::text, ${u.callerPhoneHash}::text)`,
            ),
          )}) AS v (id, name_sealed, phone_sealed, key_id, phone_hash)
         WHERE t.id = v.id`,
    );
  }

  /** Reseals one batch of phone flags after `afterId`, like `ticketBatch`. */
  flagBatch(
    afterId: string | null,
    activeKeyId: string,
    limit: number,
    reseal: (rows: readonly FlagSubjectRow[]) => FlagSubjectUpdate[],
  ): Promise<{ rows: number; lastId: string | null }> {
    return this.batch(
      (tx) => tx.$queryRaw<FlagSubjectRow[]>`
        SELECT id::text AS id, subject, subject_sealed AS "subjectSealed", subject_key_id AS "subjectKeyId"
          FROM caller_flag
         WHERE id > ${afterId ?? FIRST_ID}::uuid
           AND subject_kind = 'phone'
           AND (subject_key_id IS NULL OR subject_key_id <> ${activeKeyId})
         ORDER BY id
         LIMIT ${limit}
           FOR UPDATE`,
      reseal,
      (tx, updates) => tx.$executeRaw`
        UPDATE caller_flag AS f
           SET subject = v.subject, subject_sealed = v.sealed, subject_key_id = v.key_id
          FROM (VALUES ${Prisma.join(
            updates.map(
              (u) =>
                Prisma.sql`(${u.id}::uuid, ${u.subject}::text, ${u.subjectSealed}::bytea, ${u.subjectKeyId}::text)`,
            ),
          )}) AS v (id, subject, sealed, key_id)
         WHERE f.id = v.id`,
    );
  }

  /** Reads a batch (locked), reseals it in memory and writes it back, in one transaction. */
  private batch<R extends { id: string }, U>(
    read: (tx: Prisma.TransactionClient) => Promise<R[]>,
    reseal: (rows: readonly R[]) => U[],
    write: (tx: Prisma.TransactionClient, updates: readonly U[]) => Promise<number>,
  ): Promise<{ rows: number; lastId: string | null }> {
    return this.prisma.$transaction(async (tx) => {
      const rows = await read(tx);
      const updates = reseal(rows);
      if (updates.length > 0) await write(tx, updates);
      return { rows: rows.length, lastId: rows.at(-1)?.id ?? null };
    });
  }
}
