import { messagingConfigShape } from '@jsjb/messaging';
import { baseConfigSchema } from '@jsjb/platform';
import type { z } from 'zod';
import { checkOpen311Config, open311ConfigShape } from './open311/open311.config';

/** The intake service's configuration: the platform's and the event backbone's variables, defaults for this service. */
export const intakeConfigSchema = baseConfigSchema
  .extend(messagingConfigShape)
  .extend(open311ConfigShape)
  .extend({
    PORT: baseConfigSchema.shape.PORT.default(3001),
  })
  // Checks across variables come last: keep every .extend above this line.
  .superRefine(checkOpen311Config);

export type IntakeConfig = z.infer<typeof intakeConfigSchema>;
