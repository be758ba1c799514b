import { messagingConfigShape } from '@jsjb/messaging';
import { baseConfigSchema } from '@jsjb/platform';
import { z } from 'zod';

/** The routing service's configuration: the platform's and the event backbone's variables, defaults for this service. */
export const routingConfigSchema = baseConfigSchema.extend(messagingConfigShape).extend({
  PORT: baseConfigSchema.shape.PORT.default(3002),
  /** 退单 — hours after dispatch within which a unit may return an order. */
  DISPUTE_WINDOW_HOURS: z.coerce.number().positive().max(720).default(24),
  /** Share of the reply limit within which a co-handler (协办) reports to the lead. */
  CO_REPORT_SHARE: z.coerce.number().gt(0).max(1).default(0.5),
  /** The city's time zone: office hours and duty rosters are local times. */
  TIME_ZONE: z.string().min(1).default('Asia/Shanghai'),
  /** Office hours, local `HH:MM-HH:MM`; an urgent order dispatched outside them goes to the on-duty person. */
  OFFICE_HOURS: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, 'HH:MM-HH:MM')
    .default('09:00-18:00'),
  /** Office days, ISO weekdays 1 (Monday) – 7 (Sunday), comma-separated. */
  OFFICE_DAYS: z
    .string()
    .regex(/^[1-7](,[1-7])*$/, 'ISO weekdays, e.g. 1,2,3,4,5')
    .default('1,2,3,4,5'),
  /** 吹哨报到 — minutes a summoned department has to check in on an urgent whistle. */
  WHISTLE_URGENT_CHECK_IN_MINUTES: z.coerce.number().int().positive().default(30),
  /** 吹哨报到 — hours a summoned department has to check in on a normal whistle. */
  WHISTLE_NORMAL_CHECK_IN_HOURS: z.coerce.number().positive().default(24),
  /** How often (ms) an instance checks for reference versions activated by another instance. */
  REFERENCE_REFRESH_MS: z.coerce.number().int().min(100).default(10_000),
  /** Body limit (bytes) of reference imports sent as CSV or GeoJSON (a city's grids exceed the JSON limit). */
  REFERENCE_IMPORT_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(67_108_864),
});

export type RoutingConfig = z.infer<typeof routingConfigSchema>;
