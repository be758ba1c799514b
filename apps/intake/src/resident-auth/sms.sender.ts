import { Logger } from '@nestjs/common';
import { AppError } from '@jsjb/platform';
import { maskPhone } from '../tickets/ticket.domain';
import type { ResidentAuthConfig } from './resident-auth.config';

/** A text message to one phone (canonical form). */
export interface SmsMessage {
  phone: string;
  text: string;
}

/** Sends text messages; fails with SmsUnavailableError when the message could not be handed on. */
export interface SmsSender {
  send(message: SmsMessage): Promise<void>;
}

/** DI token of the service's SmsSender (chosen by SMS_SENDER). */
export const SMS_SENDER = Symbol.for('jsjb.intake.sms-sender');

export class SmsUnavailableError extends AppError {
  constructor(message: string, options: { cause?: unknown; retryAfterSeconds?: number } = {}) {
    super('AUTH.SMS_UNAVAILABLE', message, { status: 503, title: 'Service Unavailable', ...options });
  }
}

/** Development and tests: the message goes to the service log, the phone masked; nothing is sent. */
export class LogSmsSender implements SmsSender {
  private readonly logger = new Logger('Sms');

  send(message: SmsMessage): Promise<void> {
    this.logger.log(`SMS to ${maskPhone(message.phone)} (SMS_SENDER=log, not sent): ${message.text}`);
    return Promise.resolve();
  }
}

export interface HttpSmsSettings {
  url: string;
  token?: string | undefined;
  timeoutMs: number;
}

/**
 * Posts `{phone, message}` as JSON to the SMS gateway (the operator's or the city's), with a bearer
 * token when configured. No answer within the timeout, or an answer other than 2xx, is a failure.
 */
export class HttpSmsSender implements SmsSender {
  constructor(private readonly settings: HttpSmsSettings) {}

  async send(message: SmsMessage): Promise<void> {
    let response: Response;
    try {
      response = await fetch(this.settings.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.settings.token === undefined ? {} : { authorization: `Bearer ${this.settings.token}` }),
        },
        body: JSON.stringify({ phone: message.phone, message: message.text }),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new SmsUnavailableError(`The SMS gateway did not answer (${reason}).`, { cause });
    }
    // The body is not needed; reading it frees the connection.
    await response.text().catch(() => '');
    if (!response.ok) {
      throw new SmsUnavailableError(`The SMS gateway answered ${response.status}.`);
    }
  }
}

/** The sender SMS_SENDER names. */
export function smsSenderFrom(config: ResidentAuthConfig): SmsSender {
  switch (config.SMS_SENDER) {
    case 'log':
      return new LogSmsSender();
    case 'http':
      if (config.SMS_GATEWAY_URL === undefined) {
        // The configuration refinement already refuses this; a sender is never built without a URL.
        throw new SmsUnavailableError('SMS_SENDER=http without SMS_GATEWAY_URL');
      }
      return new HttpSmsSender({
        url: config.SMS_GATEWAY_URL,
        token: config.SMS_GATEWAY_TOKEN,
        timeoutMs: config.SMS_GATEWAY_TIMEOUT_MS,
      });
  }
}
