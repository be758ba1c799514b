import { messagingConfigShape } from '@jsjb/messaging';
import { baseConfigSchema } from '@jsjb/platform';
import type { z } from 'zod';

/** The intake service's configuration: the platform's and the event backbone's variables, defaults for this service. */
export const intakeConfigSchema = baseConfigSchema.extend(messagingConfigShape).extend({
  PORT: baseConfigSchema.shape.PORT.default(3001),
});

export type IntakeConfig = z.infer<typeof intakeConfigSchema>;
