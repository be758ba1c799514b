import {
  DEFAULT_POLICY_EFFECTIVE_FROM,
  defaultPolicyDocument,
  Policy,
  policyDocumentSchema,
  PolicyHistory,
} from './policy.domain';

const policy = new Policy('db11t-2023', DEFAULT_POLICY_EFFECTIVE_FROM, defaultPolicyDocument());

describe('time-limit policies', () => {
  it('is the DB11/T table by default: dispatch and reply per urgency class, in clock time', () => {
    const cases = [
      ['urgent', 60, 120],
      ['utilities', 120, 1440],
      ['general', 1440, 7 * 1440],
      ['complex', 1440, 15 * 1440],
    ] as const;
    for (const [urgency, dispatch, reply] of cases) {
      const { rule, warnings, policyVersion } = policy.match({
        urgency,
        categoryCode: null,
        requestType: null,
      });
      expect(policyVersion).toBe('db11t-2023');
      expect(rule.schedule).toBe('24x7');
      expect(rule.targets.dispatch).toEqual({ unit: 'minutes', value: dispatch });
      expect(rule.targets.reply).toEqual({ unit: 'minutes', value: reply });
      expect(warnings).toEqual([0.5, 0.75]);
    }
    expect(
      policy.match({ urgency: 'urgent', categoryCode: null, requestType: null }).rule.targets.response,
    ).toEqual({
      unit: 'minutes',
      value: 120,
    });
    expect(policy.match({ urgency: 'complex', categoryCode: null, requestType: null }).rule.mode).toBe(
      'time-limited',
    );
  });

  it('takes the first matching rule: categories by code or prefix, request types, urgency', () => {
    const document = policyDocumentSchema.parse({
      rules: [
        {
          id: 'heating',
          match: { categories: ['urban.heating.*'], requestTypes: ['complaint'] },
          schedule: 'workdays:cn',
          targets: {
            dispatch: { unit: 'minutes', value: 120 },
            'sign-in': { unit: 'minutes', value: 60 },
            response: { unit: 'minutes', value: 240 },
            reply: { unit: 'working-days', value: 3 },
            callback: { unit: 'working-days', value: 2 },
          },
          warnings: [0.8],
          reopenOnUnresolved: false,
        },
        {
          id: 'major',
          match: { categories: ['city.major-project'] },
          mode: 'tracked',
          targets: {
            dispatch: { unit: 'minutes', value: 1440 },
            'sign-in': { unit: 'minutes', value: 120 },
            response: { unit: 'minutes', value: 1440 },
            reply: { unit: 'minutes', value: 90 * 1440 },
            callback: { unit: 'minutes', value: 3 * 1440 },
            'progress-report': { unit: 'minutes', value: 7 * 1440 },
          },
        },
        ...defaultPolicyDocument().rules,
      ],
    });
    const p = new Policy('v2', new Date('2027-01-01T00:00:00+08:00'), document);
    const heating = p.match({
      urgency: 'general',
      categoryCode: 'urban.heating.no-heat',
      requestType: 'complaint',
    });
    expect(heating.rule.id).toBe('heating');
    expect(heating.warnings).toEqual([0.8]);
    expect(
      p.match({ urgency: 'general', categoryCode: 'urban.heating.no-heat', requestType: 'consultation' }).rule
        .id,
    ).toBe('db11t.general');
    expect(
      p.match({ urgency: 'urgent', categoryCode: 'city.major-project', requestType: null }).rule.mode,
    ).toBe('tracked');
    expect(p.match({ urgency: 'urgent', categoryCode: null, requestType: null }).rule.id).toBe(
      'db11t.urgent',
    );
  });

  it('refuses documents without a catch-all last rule, with duplicate ids, or a tracked rule without reports', () => {
    const rules = defaultPolicyDocument().rules;
    const noCatchAll = policyDocumentSchema.safeParse({ rules: rules.slice(0, 2) });
    expect(noCatchAll.success).toBe(false);
    expect(noCatchAll.error?.issues[0]?.path).toEqual(['rules', 1, 'match']);
    expect(policyDocumentSchema.safeParse({ rules: [rules[3], rules[3]] }).success).toBe(false);
    const tracked = { ...rules[3], id: 'x', mode: 'tracked', match: { urgency: ['general'] } };
    expect(policyDocumentSchema.safeParse({ rules: [tracked, rules[3]] }).error?.issues[0]?.path).toEqual([
      'rules',
      0,
      'targets',
      'progress-report',
    ]);
    expect(policyDocumentSchema.safeParse({ warnings: [0.75, 0.5], rules }).success).toBe(false);
  });

  it('keeps versions in force by their start', () => {
    const v2 = new Policy('v2', new Date('2027-01-01T00:00:00+08:00'), defaultPolicyDocument());
    const history = new PolicyHistory([v2, policy]);
    expect(history.at(new Date('2026-12-31T15:59:59Z'))?.version).toBe('db11t-2023');
    expect(history.at(new Date('2026-12-31T16:00:00Z'))?.version).toBe('v2');
    expect(history.at(new Date('2020-01-01T00:00:00Z'))).toBeUndefined();
  });
});
