import { messagingConfigShape } from '@jsjb/messaging';
import { baseConfigSchema } from '@jsjb/platform';
import type { z } from 'zod';

/** The routing service's configuration: the platform's and the event backbone's variables, defaults for this service. */
export const routingConfigSchema = baseConfigSchema.extend(messagingConfigShape).extend({
  PORT: baseConfigSchema.shape.PORT.default(3002),
});

export type RoutingConfig = z.infer<typeof routingConfigSchema>;
