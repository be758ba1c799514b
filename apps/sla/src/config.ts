import { messagingConfigShape } from '@jsjb/messaging';
import { baseConfigSchema } from '@jsjb/platform';
import type { z } from 'zod';

/** The sla service's configuration: the platform's and the event backbone's variables, defaults for this service. */
export const slaConfigSchema = baseConfigSchema.extend(messagingConfigShape).extend({
  PORT: baseConfigSchema.shape.PORT.default(3003),
});

export type SlaConfig = z.infer<typeof slaConfigSchema>;
