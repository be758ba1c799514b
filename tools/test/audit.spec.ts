import { advisoriesOf, judgeAudit, parseAllowList } from '../audit/audit.ts';

// The shape of `npm audit --json` (auditReportVersion 2), trimmed.
const report = {
  vulnerabilities: {
    'fast-xml': {
      via: [
        {
          source: 1,
          name: 'fast-xml',
          title: 'Prototype pollution',
          url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc',
          severity: 'critical' as const,
        },
      ],
    },
    'uses-fast-xml': { via: ['fast-xml'] },
    semverish: {
      via: [
        {
          source: 2,
          name: 'semverish',
          title: 'ReDoS',
          url: 'https://github.com/advisories/GHSA-dddd-eeee-ffff',
          severity: 'high' as const,
        },
      ],
    },
    tiny: {
      via: [
        {
          source: 3,
          name: 'tiny',
          title: 'Info leak',
          url: 'https://github.com/advisories/GHSA-1111-2222-3333',
          severity: 'moderate' as const,
        },
      ],
    },
  },
};

const entry = (id: string, pkg: string, expires: string) => ({
  id,
  package: pkg,
  reason: 'only reachable from the dev tooling, no untrusted input',
  reviewedBy: 'security review 2026-11',
  expires,
});

describe('dependency audit', () => {
  it('reads each advisory once, skipping the packages that only carry another’s', () => {
    expect(advisoriesOf(report).map((a) => [a.id, a.package, a.severity])).toEqual([
      ['GHSA-1111-2222-3333', 'tiny', 'moderate'],
      ['GHSA-aaaa-bbbb-cccc', 'fast-xml', 'critical'],
      ['GHSA-dddd-eeee-ffff', 'semverish', 'high'],
    ]);
  });

  it('fails on high and critical advisories not on the allow-list, and reports the rest', () => {
    const verdict = judgeAudit(report, [], '2026-11-22');
    expect(verdict.failing.map((a) => a.id)).toEqual(['GHSA-aaaa-bbbb-cccc', 'GHSA-dddd-eeee-ffff']);
    expect(verdict.below).toBe(1);
  });

  it('lets a reviewed, unexpired entry through, but not an expired one or one for another package', () => {
    const verdict = judgeAudit(
      report,
      [
        entry('GHSA-aaaa-bbbb-cccc', 'fast-xml', '2026-12-31'),
        entry('GHSA-dddd-eeee-ffff', 'semverish', '2026-11-21'),
        entry('GHSA-dddd-eeee-ffff', 'other-package', '2027-01-01'),
      ],
      '2026-11-22',
    );
    expect(verdict.allowed.map((a) => a.id)).toEqual(['GHSA-aaaa-bbbb-cccc']);
    expect(verdict.failing.map((a) => a.id)).toEqual(['GHSA-dddd-eeee-ffff']);
    expect(verdict.expired.map((e) => e.package)).toEqual(['semverish']);
  });

  it('refuses an allow-list entry without a reason, reviewer or date', () => {
    expect(parseAllowList({ advisories: [entry('GHSA-x', 'p', '2027-01-01')] })).toHaveLength(1);
    expect(() =>
      parseAllowList({ advisories: [{ ...entry('GHSA-x', 'p', '2027-01-01'), reason: '' }] }),
    ).toThrow(/advisories\[0\]\.reason is required/);
    expect(() => parseAllowList({ advisories: [entry('GHSA-x', 'p', 'next year')] })).toThrow(/YYYY-MM-DD/);
    expect(() => parseAllowList({})).toThrow(/expected/);
  });
});
