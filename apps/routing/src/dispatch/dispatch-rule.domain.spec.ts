import { dispatchRule, dispatchRuleKind, MAX_RULE_LENGTH } from './dispatch-rule.domain';

describe('dispatch rules', () => {
  it('names how a dispatch was decided', () => {
    expect(dispatchRuleKind('street:110101001')).toBe('auto');
    expect(dispatchRuleKind('district:110101 (兜底: no street)')).toBe('auto');
    expect(dispatchRuleKind('utility:heating 110101001')).toBe('auto');
    expect(dispatchRuleKind(dispatchRule('manual', 'dispatcher-1'))).toBe('manual');
    expect(dispatchRuleKind(dispatchRule('correction', 'dispatcher-1'))).toBe('correction');
    expect(dispatchRuleKind(dispatchRule('reopened', 'manual:dispatcher-1'))).toBe('reopened');
  });

  it('keeps a rule within the stored length', () => {
    expect(dispatchRule('manual', 'd-1')).toBe('manual:d-1');
    const long = dispatchRule('reopened', 'x'.repeat(300));
    expect(long).toHaveLength(MAX_RULE_LENGTH);
    expect(long.endsWith('…')).toBe(true);
    expect(dispatchRuleKind(long)).toBe('reopened');
  });
});
