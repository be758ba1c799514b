import { messagingConfigShape } from '@jsjb/messaging';
import { baseConfigSchema, envFlag } from '@jsjb/platform';
import { z } from 'zod';
import { calendarConfigShape } from './calendar/calendar.config';
import { callbacksConfigShape } from './callbacks/callbacks.config';

/** The sla service's configuration: the platform's and the event backbone's variables, defaults for this service. */
export const slaConfigSchema = baseConfigSchema
  .extend(messagingConfigShape)
  .extend(calendarConfigShape)
  .extend(callbacksConfigShape)
  .extend({
    PORT: baseConfigSchema.shape.PORT.default(3003),
    /** Run the clock timers (BullMQ worker, boot re-arming, the sweep for lost timers) in this instance. */
    SLA_TIMERS_ENABLED: envFlag('true'),
    /** Timer jobs handled at once by this instance. */
    SLA_TIMER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
    /** Tries of a timer job whose handling failed (a database outage), with exponential backoff from 1 s. */
    SLA_TIMER_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
    /** How often to look for clocks due over a minute ago whose timer was lost; 0 turns it off. */
    SLA_TIMER_SWEEP_MS: z.coerce.number().int().min(0).default(60_000),
    /** How often (ms) an instance looks for reference versions (units, territory, catalogue) applied by another. */
    REFERENCE_REFRESH_MS: z.coerce.number().int().min(100).default(5000),
    /** 满意率: the weight of 基本满意 when an admin adds a weight-set version without giving one. */
    ASSESSMENT_BASIC_SATISFIED_WEIGHT: z.coerce.number().min(0).max(1).default(0.8),
  });

export type SlaConfig = z.infer<typeof slaConfigSchema>;
