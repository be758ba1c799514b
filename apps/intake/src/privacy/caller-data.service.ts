import { Injectable } from '@nestjs/common';
import { AppError } from '@jsjb/platform';
import { maskName, maskPhone } from '../tickets/ticket.domain';
import { PersonalDataCipher } from './personal-data';

/** A caller's name and phone: in the clear (memory only, never stored), or masked for display. */
export interface Caller {
  name: string | null;
  phone: string | null;
}

/** The ticket columns that hold the caller: sealed, or plain in rows written before sealing. */
export interface CallerColumns {
  callerName: string | null;
  callerPhone: string | null;
  callerNameSealed: Uint8Array | null;
  callerPhoneSealed: Uint8Array | null;
  callerPiiKeyId: string | null;
}

/** A value sealed for a bytea column, with the id of its key. */
export interface SealedValue {
  keyId: string;
  data: Uint8Array<ArrayBuffer>;
}

/** What a ticket stores of its caller: sealed values, their key and the phone's hash — nothing plain. */
export interface SealedCaller {
  callerName: null;
  callerPhone: null;
  callerNameSealed: Uint8Array<ArrayBuffer> | null;
  callerPhoneSealed: Uint8Array<ArrayBuffer> | null;
  callerPiiKeyId: string | null;
  callerPhoneHash: string | null;
}

/** The names the access log gives the caller's fields. */
export const CALLER_FIELDS = { name: 'caller.name', phone: 'caller.phone' } as const;

/**
 * Callers' personal data at rest: seals a caller for storage, opens stored rows in either state
 * (sealed, or plain from before sealing), masks, and hashes phones for lookups. Opening is not
 * disclosure: what leaves the service unmasked is decided and logged by the routes.
 */
@Injectable()
export class CallerData {
  constructor(private readonly cipher: PersonalDataCipher) {}

  /** The key new data is sealed with. */
  get activeKeyId(): string {
    return this.cipher.activeKeyId;
  }

  /** The keyed hash a canonical phone number is looked up by (tickets, caller flags, counters). */
  hashPhone(phone: string): string {
    return this.cipher.hash(phone);
  }

  seal(caller: { name?: string | null | undefined; phone?: string | null | undefined }): SealedCaller {
    const name = caller.name ?? null;
    const phone = caller.phone ?? null;
    return {
      callerName: null,
      callerPhone: null,
      callerNameSealed: name === null ? null : this.sealValue(name).data,
      callerPhoneSealed: phone === null ? null : this.sealValue(phone).data,
      callerPiiKeyId: name === null && phone === null ? null : this.cipher.activeKeyId,
      callerPhoneHash: phone === null ? null : this.cipher.hash(phone),
    };
  }

  open(row: CallerColumns): Caller {
    return {
      name: row.callerName ?? this.openValue(row.callerNameSealed, row.callerPiiKeyId),
      phone: row.callerPhone ?? this.openValue(row.callerPhoneSealed, row.callerPiiKeyId),
    };
  }

  masked(row: CallerColumns): Caller {
    return maskCaller(this.open(row));
  }

  /** One value sealed with the active key. */
  sealValue(plain: string): SealedValue {
    const sealed = this.cipher.seal(plain);
    // A copy of ~50 bytes into a plain Uint8Array, the type Prisma's and pg's bytea take.
    return { keyId: sealed.keyId, data: new Uint8Array(sealed.data) };
  }

  /** A stored sealed value in the clear; null when there is none. */
  openValue(data: Uint8Array | null, keyId: string | null): string | null {
    if (data === null) return null;
    if (keyId === null) {
      throw new AppError('PRIVACY.UNREADABLE', 'Sealed personal data without its key id.', { status: 500 });
    }
    return this.cipher.open({ keyId, data: asBuffer(data) });
  }
}

export function maskCaller(caller: Caller): Caller {
  return {
    name: caller.name === null ? null : maskName(caller.name),
    phone: caller.phone === null ? null : maskPhone(caller.phone),
  };
}

/** The caller's fields a view would disclose, as the access log names them. */
export function disclosedFields(caller: Caller): string[] {
  const fields: string[] = [];
  if (caller.name !== null) fields.push(CALLER_FIELDS.name);
  if (caller.phone !== null) fields.push(CALLER_FIELDS.phone);
  return fields;
}

/** Prisma reads bytea as a Uint8Array; the cipher works on Buffers (the same memory, no copy). */
function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
