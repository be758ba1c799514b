import { randomInt } from 'node:crypto';

/** A one-time code: six digits from the system's cryptographic generator (leading zeros kept). */
export function newOtpCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

export const OTP_CODE_PATTERN = /^\d{6}$/;

/** What the resident reads in the SMS. */
export function otpMessage(code: string, ttlSeconds: number): string {
  const minutes = Math.max(1, Math.round(ttlSeconds / 60));
  return `【12345】您的登录验证码为 ${code}，${minutes} 分钟内有效。如非本人操作，请忽略本短信。`;
}

/**
 * What the HMAC of a stored code covers: the phone's keyed hash and the code, so equal codes of two
 * phones are stored differently and a leaked Redis says nothing without the key.
 */
export function otpMacInput(phoneKey: string, code: string): string {
  return `otp:v1:${phoneKey}:${code}`;
}

/** A resident's token subject: their phone's keyed hash, never the number itself. */
export function residentSubject(phoneKey: string): string {
  return `resident:${phoneKey}`;
}

/** What checking a code found. */
export type OtpCheck =
  | { outcome: 'valid' }
  /** Wrong; `attemptsLeft` more tries before the code burns. */
  | { outcome: 'invalid'; attemptsLeft: number }
  /** Burned by too many wrong tries (now or before). */
  | { outcome: 'exhausted' }
  /** None was sent, it expired, or it was used. */
  | { outcome: 'expired' };
