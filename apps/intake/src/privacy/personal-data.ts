import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { AppError } from '@jsjb/platform';

/** Personal data sealed at rest: the key it was sealed with, and iv (12) ‖ tag (16) ‖ ciphertext. */
export interface Sealed {
  keyId: string;
  data: Buffer;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface PersonalDataKeys {
  keys: ReadonlyMap<string, Buffer>;
  /** The key new data is sealed with; the first key when not given. */
  activeKeyId?: string | undefined;
  hashKey: string;
}

/**
 * Seals and opens callers' names and phone numbers (AES-256-GCM, a fresh IV per value, the key id
 * kept beside the data so keys can rotate), and hashes them with a keyed HMAC-SHA256 for lookups
 * without the plain value. The one place intake's personal-data crypto lives.
 */
export class PersonalDataCipher {
  readonly activeKeyId: string;

  /** The cipher of a service's configuration (privacy.config.ts). */
  static fromConfig(config: {
    PII_ENCRYPTION_KEYS: ReadonlyMap<string, Buffer>;
    PII_ACTIVE_KEY_ID?: string | undefined;
    PII_HASH_KEY: string;
  }): PersonalDataCipher {
    return new PersonalDataCipher({
      keys: config.PII_ENCRYPTION_KEYS,
      activeKeyId: config.PII_ACTIVE_KEY_ID,
      hashKey: config.PII_HASH_KEY,
    });
  }

  constructor(private readonly settings: PersonalDataKeys) {
    const active = settings.activeKeyId ?? settings.keys.keys().next().value;
    if (active === undefined || !settings.keys.has(active)) {
      throw new Error(`no personal-data key ${active ?? '(none)'}`);
    }
    this.activeKeyId = active;
  }

  seal(plain: string): Sealed {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key(this.activeKeyId), iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return { keyId: this.activeKeyId, data: Buffer.concat([iv, cipher.getAuthTag(), body]) };
  }

  open(sealed: Sealed): string {
    const { data } = sealed;
    if (data.length < IV_BYTES + TAG_BYTES) throw unreadable(sealed.keyId);
    const decipher = createDecipheriv('aes-256-gcm', this.key(sealed.keyId), data.subarray(0, IV_BYTES));
    decipher.setAuthTag(data.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(data.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw unreadable(sealed.keyId);
    }
  }

  /** Whether a value sealed with `keyId` should be sealed again with the active key (rotation). */
  isStale(keyId: string): boolean {
    return keyId !== this.activeKeyId;
  }

  /** The keyed hash of a canonical value (hex): equal values, equal hashes; nothing to reverse. */
  hash(value: string): string {
    return createHmac('sha256', this.settings.hashKey).update(value, 'utf8').digest('hex');
  }

  private key(id: string): Buffer {
    const key = this.settings.keys.get(id);
    if (key === undefined) {
      throw new AppError(
        'PRIVACY.UNKNOWN_KEY',
        `Personal data sealed with key ${id}, which is not configured.`,
        {
          status: 500,
        },
      );
    }
    return key;
  }
}

function unreadable(keyId: string): AppError {
  return new AppError('PRIVACY.UNREADABLE', `Personal data sealed with key ${keyId} does not open.`, {
    status: 500,
  });
}
