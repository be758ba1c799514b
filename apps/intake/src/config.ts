import { baseConfigSchema } from '@jsjb/platform';
import type { z } from 'zod';

/** The intake service's configuration: the platform's variables, defaults for this service. */
export const intakeConfigSchema = baseConfigSchema.extend({
  PORT: baseConfigSchema.shape.PORT.default(3001),
});

export type IntakeConfig = z.infer<typeof intakeConfigSchema>;
