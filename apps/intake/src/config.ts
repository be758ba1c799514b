import { messagingConfigShape } from '@jsjb/messaging';
import { baseConfigSchema } from '@jsjb/platform';
import { z } from 'zod';
import { abuseConfigShape } from './abuse/abuse.config';
import { duplicatesConfigShape } from './duplicates/duplicates.config';
import { checkOpen311Config, open311ConfigShape } from './open311/open311.config';
import { checkPrivacyConfig, privacyConfigShape } from './privacy/privacy.config';
import { checkResidentAuthConfig, residentAuthConfigShape } from './resident-auth/resident-auth.config';

/** The intake service's configuration: the platform's and the event backbone's variables, defaults for this service. */
export const intakeConfigSchema = baseConfigSchema
  .extend(messagingConfigShape)
  .extend(duplicatesConfigShape)
  .extend(abuseConfigShape)
  .extend(open311ConfigShape)
  .extend(privacyConfigShape)
  .extend(residentAuthConfigShape)
  .extend({
    PORT: baseConfigSchema.shape.PORT.default(3001),
    /** A ticket is at most 4,000 characters of text and media references: bigger bodies are refused with 413. */
    HTTP_BODY_LIMIT_BYTES: baseConfigSchema.shape.HTTP_BODY_LIMIT_BYTES.default(65_536),
    /** The city's time zone: the day in a ticket number is the local day. */
    TIME_ZONE: z.string().min(1).default('Asia/Shanghai'),
    /** Connections of the create path's own pool (next to Prisma's DATABASE_POOL_MAX). */
    DATABASE_HOT_POOL_MAX: z.coerce.number().int().min(1).max(50).default(4),
    /** Ticket numbers an instance reserves at a time; a restart leaves the rest of a block as a gap. */
    TICKET_NUMBER_BLOCK: z.coerce.number().int().min(1).max(1000).default(50),
  })
  // Checks across variables come last: keep every .extend above this line.
  .superRefine((config, ctx) => {
    checkOpen311Config(config, ctx);
    checkPrivacyConfig(config, ctx);
    checkResidentAuthConfig(config, ctx);
  });

export type IntakeConfig = z.infer<typeof intakeConfigSchema>;
