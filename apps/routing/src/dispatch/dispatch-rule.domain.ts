/**
 * The `rule` a dispatch records (on assignments and in `ticket.dispatched.v1`): the catalogue rule
 * that chose the units for an automatic dispatch, or `<kind>:<detail>` for a decision made another
 * way — a dispatcher's choice from the manual queue (`manual:<dispatcher>`), a dispatcher's
 * correction (`correction:<dispatcher>`), a 重办 cycle to the same lead (`reopened:<lead's rule>`).
 * Pure.
 */

export const DISPATCH_RULE_KINDS = ['auto', 'manual', 'correction', 'reopened'] as const;
export type DispatchRuleKind = (typeof DISPATCH_RULE_KINDS)[number];

/** The longest rule stored (the column's and the event's limit). */
export const MAX_RULE_LENGTH = 200;

/** The rule of a decision not taken by the catalogue, shortened to fit. */
export function dispatchRule(kind: Exclude<DispatchRuleKind, 'auto'>, detail: string): string {
  const rule = `${kind}:${detail}`;
  return rule.length <= MAX_RULE_LENGTH ? rule : `${rule.slice(0, MAX_RULE_LENGTH - 1)}…`;
}

/** How a dispatch was decided, from its rule. */
export function dispatchRuleKind(rule: string): DispatchRuleKind {
  const prefix = rule.slice(0, rule.indexOf(':') + 1);
  switch (prefix) {
    case 'manual:':
      return 'manual';
    case 'correction:':
      return 'correction';
    case 'reopened:':
      return 'reopened';
    default:
      return 'auto';
  }
}
