import { Injectable } from '@nestjs/common';
import { CallerData } from './caller-data.service';
import {
  type FlagSubjectRow,
  type FlagSubjectUpdate,
  PiiRekeyRepository,
  type TicketCallerRow,
  type TicketCallerUpdate,
} from './pii-rekey.repository';

export interface RekeyCounts {
  /** Rows that held plain personal data and now hold it sealed. */
  sealed: number;
  /** Rows sealed with another key, sealed again with the active one. */
  resealed: number;
}

export interface RekeyReport {
  tickets: RekeyCounts;
  callerFlags: RekeyCounts;
}

/**
 * `pii-rekey`: seals the personal data of rows written before sealing (then clears the plain
 * columns and fills the phone's hash) and reseals rows whose key is not the active one (rotation).
 * Idempotent and resumable: it only ever looks for rows still to do, a batch per transaction.
 */
@Injectable()
export class PiiRekey {
  constructor(
    private readonly repository: PiiRekeyRepository,
    private readonly callers: CallerData,
  ) {}

  async run(
    batchSize: number,
    progress: (report: RekeyReport) => void = () => undefined,
  ): Promise<RekeyReport> {
    const report: RekeyReport = {
      tickets: { sealed: 0, resealed: 0 },
      callerFlags: { sealed: 0, resealed: 0 },
    };
    const active = this.callers.activeKeyId;
    const drain = async (batch: (after: string | null) => Promise<{ lastId: string | null }>) => {
      let after = (await batch(null)).lastId;
      while (after !== null) {
        progress(report);
        after = (await batch(after)).lastId;
      }
    };
    await drain((after) =>
      this.repository.ticketBatch(after, active, batchSize, (rows) =>
        rows.map((row) => this.resealTicket(row, report.tickets)),
      ),
    );
    await drain((after) =>
      this.repository.flagBatch(after, active, batchSize, (rows) =>
        rows.map((row) => this.resealFlag(row, report.callerFlags)),
      ),
    );
    return report;
  }

  private resealTicket(row: TicketCallerRow, counts: RekeyCounts): TicketCallerUpdate {
    const legacy = row.callerName !== null || row.callerPhone !== null;
    const caller = this.callers.open(row);
    counts[legacy ? 'sealed' : 'resealed'] += 1;
    return { id: row.id, ...this.callers.seal(caller) };
  }

  private resealFlag(row: FlagSubjectRow, counts: RekeyCounts): FlagSubjectUpdate {
    // Before sealing, a phone flag's subject was the number itself; since, it is the number's hash.
    const legacy = row.subjectKeyId === null;
    const phone = legacy ? row.subject : this.callers.openValue(row.subjectSealed, row.subjectKeyId);
    if (phone === null) throw new Error(`caller flag ${row.id} has a key id but no sealed number`);
    const sealed = this.callers.sealValue(phone);
    counts[legacy ? 'sealed' : 'resealed'] += 1;
    return {
      id: row.id,
      subject: legacy ? this.callers.hashPhone(phone) : row.subject,
      subjectSealed: sealed.data,
      subjectKeyId: sealed.keyId,
    };
  }
}
