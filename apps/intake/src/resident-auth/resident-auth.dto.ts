import { z } from 'zod';
import { phoneSchema } from '../tickets/ticket.dto';
import { OTP_CODE_PATTERN } from './otp.domain';

/** A mainland mobile number (canonical, as intake stores phones): codes go by SMS, not to landlines. */
const mobileSchema = phoneSchema.refine((phone) => /^1\d{10}$/.test(phone), {
  message: 'a mobile number (1xxxxxxxxxx) is needed: the code is sent by SMS',
});

export const codeRequestSchema = z.object({ phone: mobileSchema }).strict();

export const tokenRequestSchema = z
  .object({
    phone: mobileSchema,
    code: z.string().regex(OTP_CODE_PATTERN, { message: 'six digits' }),
  })
  .strict();

export const CODE_REQUEST_EXAMPLES = {
  mobile: {
    summary: '手机号 — a mobile number (+86, spaces and dashes are accepted)',
    value: { phone: '138 0013 8000' },
  },
};

export const TOKEN_REQUEST_EXAMPLES = {
  code: {
    summary: '短信验证码 — the six digits from the SMS',
    value: { phone: '13800138000', code: '042917' },
  },
};
