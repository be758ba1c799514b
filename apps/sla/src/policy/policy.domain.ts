import { type CLOCK_KINDS, DEFAULT_TIME_LIMITS, REQUEST_TYPES, URGENCY_CLASSES } from '@jsjb/contracts';
import { z } from 'zod';

/**
 * Time-limit policies: versioned data, never code. A policy is an ordered list of rules; the first
 * rule whose conditions all hold for a ticket gives the targets of its clocks, the warning
 * thresholds, the schedule they run on and the handling mode. The last rule must match everything.
 */

export type ClockKind = (typeof CLOCK_KINDS)[number];
export type UrgencyClass = (typeof URGENCY_CLASSES)[number];

/** 一般问题立即办, 复杂问题限时办, 重大问题跟踪办 (periodic progress reports instead of one reply deadline). */
export const HANDLING_MODES = ['immediate', 'time-limited', 'tracked'] as const;
export type HandlingMode = (typeof HANDLING_MODES)[number];

/** Clocks a policy sets targets for (the resident clock runs to the reply target). */
export const POLICY_CLOCKS = [
  'dispatch',
  'sign-in',
  'response',
  'reply',
  'callback',
  'whistle-check-in',
  'progress-report',
] as const satisfies readonly ClockKind[];
export type PolicyClock = (typeof POLICY_CLOCKS)[number];

const spanSchema = z.discriminatedUnion('unit', [
  z.object({ unit: z.literal('minutes'), value: z.number().int().positive().max(5_256_000) }),
  z.object({ unit: z.literal('working-days'), value: z.number().int().positive().max(3650) }),
]);
export type PolicySpan = z.infer<typeof spanSchema>;

const thresholdsSchema = z
  .array(z.number().gt(0).lt(1))
  .max(5)
  .refine((t) => t.every((v, i) => i === 0 || v > (t[i - 1] ?? 0)), 'thresholds must increase');

export const policyRuleSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[a-z0-9][a-z0-9._:-]*$/, 'lower-case letters, digits and . _ : -'),
  description: z.string().max(500).default(''),
  /** All given conditions must hold; an empty object matches every ticket. */
  match: z
    .object({
      urgency: z.array(z.enum(URGENCY_CLASSES)).min(1).optional(),
      /** Matter categories: a code, or a prefix ending in `*` (e.g. `urban.water.*`). */
      categories: z.array(z.string().min(1).max(64)).min(1).optional(),
      requestTypes: z.array(z.enum(REQUEST_TYPES)).min(1).optional(),
    })
    .strict()
    .default({}),
  mode: z.enum(HANDLING_MODES).default('immediate'),
  /** `24x7`, or `workdays:<calendar>` for working-day counting. */
  schedule: z
    .string()
    .regex(/^(24x7|workdays:[a-z0-9-]+)$/)
    .default('24x7'),
  targets: z
    .object({
      dispatch: spanSchema,
      'sign-in': spanSchema,
      response: spanSchema,
      reply: spanSchema,
      callback: spanSchema,
      'whistle-check-in': spanSchema.optional(),
      'progress-report': spanSchema.optional(),
    })
    .strict(),
  /** Overrides the policy's warning thresholds for this rule. */
  warnings: thresholdsSchema.optional(),
  /** An unsatisfied and unresolved callback reopens the ticket (重办). */
  reopenOnUnresolved: z.boolean().default(true),
});
export type PolicyRule = z.infer<typeof policyRuleSchema>;

export const policyDocumentSchema = z
  .object({
    /** Default warning thresholds (催办), as shares of the target. */
    warnings: thresholdsSchema.default([0.5, 0.75]),
    rules: z.array(policyRuleSchema).min(1).max(500),
  })
  .superRefine((doc, ctx) => {
    const ids = new Set<string>();
    doc.rules.forEach((rule, i) => {
      if (ids.has(rule.id))
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'id'],
          message: `rule ${rule.id} is defined twice`,
        });
      ids.add(rule.id);
      if (rule.mode === 'tracked' && !rule.targets['progress-report'])
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'targets', 'progress-report'],
          message: 'a tracked (重大) rule needs a progress-report interval',
        });
    });
    const last = doc.rules[doc.rules.length - 1];
    if (last && Object.keys(last.match).length > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['rules', doc.rules.length - 1, 'match'],
        message: 'the last rule must match every ticket (an empty match)',
      });
  });
export type PolicyDocument = z.infer<typeof policyDocumentSchema>;

/** What a rule is matched against. */
export interface PolicySubject {
  urgency: UrgencyClass;
  categoryCode: string | null;
  requestType: string | null;
}

export interface MatchedRule {
  policyVersion: string;
  rule: PolicyRule;
  warnings: readonly number[];
}

export class Policy {
  constructor(
    readonly version: string,
    readonly effectiveFrom: Date,
    readonly document: PolicyDocument,
  ) {}

  /** The first rule whose conditions hold; the last rule matches everything, so there always is one. */
  match(subject: PolicySubject): MatchedRule {
    const rule =
      this.document.rules.find((r) => ruleMatches(r, subject)) ??
      this.document.rules[this.document.rules.length - 1];
    if (!rule) throw new Error(`policy ${this.version} has no rules`);
    return this.matched(rule);
  }

  /** A rule of this version by id, as `match` would give it. */
  rule(id: string): MatchedRule | undefined {
    const rule = this.document.rules.find((r) => r.id === id);
    return rule ? this.matched(rule) : undefined;
  }

  private matched(rule: PolicyRule): MatchedRule {
    return { policyVersion: this.version, rule, warnings: rule.warnings ?? this.document.warnings };
  }
}

export function ruleMatches(rule: PolicyRule, subject: PolicySubject): boolean {
  const { urgency, categories, requestTypes } = rule.match;
  if (urgency && !urgency.includes(subject.urgency)) return false;
  if (requestTypes && (!subject.requestType || !requestTypes.includes(subject.requestType as never)))
    return false;
  if (categories) {
    const code = subject.categoryCode;
    if (!code) return false;
    const hit = categories.some((c) => (c.endsWith('*') ? code.startsWith(c.slice(0, -1)) : code === c));
    if (!hit) return false;
  }
  return true;
}

/** The versions in force over time: the one with the latest start not after `at`. */
export class PolicyHistory {
  private readonly versions: Policy[];

  constructor(versions: readonly Policy[]) {
    this.versions = [...versions].sort((a, b) => a.effectiveFrom.getTime() - b.effectiveFrom.getTime());
  }

  at(at: Date): Policy | undefined {
    let found: Policy | undefined;
    for (const p of this.versions) if (p.effectiveFrom.getTime() <= at.getTime()) found = p;
    return found;
  }

  all(): readonly Policy[] {
    return this.versions;
  }
}

const minutes = (value: number): PolicySpan => ({ unit: 'minutes', value });
const HOUR = 60;
const DAY = 24 * HOUR;

/** The version every installation starts with. */
export const DEFAULT_POLICY_VERSION = 'db11t-2023';
export const DEFAULT_POLICY_EFFECTIVE_FROM = new Date('2023-01-01T00:00:00+08:00');

/**
 * The DB11/T table (clock time, 24×7) as the default policy: dispatch and reply per urgency class
 * from the contracts' DEFAULT_TIME_LIMITS; first contact (响应) 24 h, 2 h when urgent [config];
 * sign-in within 2 h, 30 min when urgent [config]; the 回访 within 3 days of the reply deadline
 * [config]; a summoned department reports within 30 min (urgent) or 24 h [config]. 复杂 matters are
 * handled 限时办; nothing is tracked as 重大 by default (a city adds rules for its major matters).
 */
export function defaultPolicyDocument(): PolicyDocument {
  const rule = (urgency: UrgencyClass, description: string): PolicyRule => {
    const limits = DEFAULT_TIME_LIMITS[urgency];
    return {
      id: `db11t.${urgency}`,
      description,
      match: urgency === 'general' ? {} : { urgency: [urgency] },
      mode: urgency === 'complex' ? 'time-limited' : 'immediate',
      schedule: '24x7',
      targets: {
        dispatch: minutes(limits.dispatch),
        'sign-in': minutes(urgency === 'urgent' ? 30 : 2 * HOUR),
        response: minutes(limits.response),
        reply: minutes(limits.reply),
        callback: minutes(3 * DAY),
        'whistle-check-in': minutes(urgency === 'urgent' ? 30 : DAY),
      },
      reopenOnUnresolved: true,
    };
  };
  return policyDocumentSchema.parse({
    warnings: [0.5, 0.75],
    rules: [
      rule('urgent', '紧急：突发事件、不稳定因素、公共卫生、危及生命财产'),
      rule('utilities', '水电气热等基本民生、极端天气'),
      rule('complex', '复杂疑难'),
      rule('general', '一般诉求'),
    ],
  });
}
