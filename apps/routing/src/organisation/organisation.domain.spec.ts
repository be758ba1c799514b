import { teamAreaIssue } from './organisation.domain';

describe('grid team areas', () => {
  it('accepts a community or grid inside the street and refuses anything else', () => {
    expect(teamAreaIssue('110101001001', '110101001')).toBeUndefined();
    expect(teamAreaIssue('110101001001003', '110101001')).toBeUndefined();
    expect(teamAreaIssue('110101002001', '110101001')).toMatch(/inside the unit's street/);
    expect(teamAreaIssue('110101001', '110101001')).toMatch(/community \(12 digits\) or grid/);
  });
});
