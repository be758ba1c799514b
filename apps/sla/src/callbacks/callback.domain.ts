import type { SATISFACTION_LEVELS } from '@jsjb/contracts';

/**
 * 回访 — the callback of one cycle of a ticket: opened when the reply deadline expires (Art. 23),
 * answered by a callback agent or by the resident through a signed link. Pure rules, no I/O.
 */

/** 满意 / 基本满意 / 不满意, as `ticket.rated.v1` carries them. */
export type Satisfaction = (typeof SATISFACTION_LEVELS)[number];

export const SATISFACTION_LABELS: Readonly<Record<Satisfaction, string>> = {
  satisfied: '满意',
  'basically-satisfied': '基本满意',
  unsatisfied: '不满意',
};

/** open: waiting for an answer; answered: the resident answered; unreachable: attempts ran out (an invalid callback). */
export const CALLBACK_STATUSES = ['open', 'answered', 'unreachable'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

/** Who recorded an answer: a callback agent on the phone, or the resident through the rating link. */
export const ANSWER_CHANNELS = ['agent', 'resident-link'] as const;
export type AnswerChannel = (typeof ANSWER_CHANNELS)[number];

/** One callback attempt or answer as given: 是否联系 / 是否解决 / 满意度 / 意见. */
export interface CallbackAnswerInput {
  contacted: boolean;
  resolved?: boolean | undefined;
  satisfaction?: Satisfaction | undefined;
  comment?: string | undefined;
}

/** A field of an answer that does not fit the others. */
export interface AnswerIssue {
  field: 'resolved' | 'satisfaction';
  code: 'required_when_contacted' | 'not_allowed_when_not_contacted';
  message: string;
}

/**
 * A reached resident answers both questions; an attempt that reached nobody rates nothing (the
 * comment may say why: 空号, 关机, 无人接听).
 */
export function answerIssues(answer: CallbackAnswerInput): AnswerIssue[] {
  const issues: AnswerIssue[] = [];
  for (const field of ['resolved', 'satisfaction'] as const) {
    const given = answer[field] !== undefined;
    if (answer.contacted && !given) {
      issues.push({
        field,
        code: 'required_when_contacted',
        message: `${field} is required when the resident was contacted`,
      });
    } else if (!answer.contacted && given) {
      issues.push({
        field,
        code: 'not_allowed_when_not_contacted',
        message: `${field} is only recorded when the resident was contacted`,
      });
    }
  }
  return issues;
}

/** The state of a task that an answer is applied to. */
export interface CallbackTaskState {
  status: CallbackStatus;
  attempts: number;
  reopenOnUnresolved: boolean;
}

/** The rating a closed callback reports (`ticket.rated.v1`). */
export interface CallbackRating {
  contacted: boolean;
  resolved: boolean | null;
  satisfaction: Satisfaction | null;
}

/** What recording an answer does to an open task. */
export type AnswerOutcome =
  /** Nobody reached, attempts left: the task stays open. */
  | { kind: 'attempt'; attempts: number }
  /** Closed: answered, or unreachable after the last attempt; `reopen` is 重办. */
  | {
      kind: 'closed';
      status: 'answered' | 'unreachable';
      attempts: number;
      rating: CallbackRating;
      reopen: boolean;
    };

/**
 * Applies a valid answer to an open task. The task closes when the resident answered, or as
 * unreachable with the `maxAttempts`-th unanswered attempt; an unsatisfied and unresolved answer
 * reopens the ticket when the task's policy says so.
 */
export function applyAnswer(
  task: CallbackTaskState,
  answer: CallbackAnswerInput,
  maxAttempts: number,
): AnswerOutcome {
  const attempts = task.attempts + 1;
  if (!answer.contacted) {
    if (attempts < maxAttempts) return { kind: 'attempt', attempts };
    return {
      kind: 'closed',
      status: 'unreachable',
      attempts,
      rating: { contacted: false, resolved: null, satisfaction: null },
      reopen: false,
    };
  }
  const resolved = answer.resolved ?? null;
  const satisfaction = answer.satisfaction ?? null;
  return {
    kind: 'closed',
    status: 'answered',
    attempts,
    rating: { contacted: true, resolved, satisfaction },
    reopen: shouldReopen({ resolved, satisfaction }, task.reopenOnUnresolved),
  };
}

/** 重办 — only an answer both unresolved and unsatisfied, and only where the policy reopens. */
export function shouldReopen(
  rating: Pick<CallbackRating, 'resolved' | 'satisfaction'>,
  reopenOnUnresolved: boolean,
): boolean {
  return reopenOnUnresolved && rating.resolved === false && rating.satisfaction === 'unsatisfied';
}

/** Why the ticket is reopened, as `ticket.reopened.v1` tells the unit. */
export function reopenReason(comment: string | undefined): string {
  const base = '回访结果：未解决，不满意（重办）';
  const text = comment?.trim();
  return text ? `${base}。群众意见：${text}`.slice(0, 4000) : base;
}
