/**
 * 一格一长一警一专多兼 — a grid team has a 网格长 (leader), 网格员 (workers), a 社区民警 (community
 * police officer), 专职 full-time and 兼职 part-time members.
 */
export const TEAM_ROLES = [
  'grid-leader',
  'grid-worker',
  'community-police',
  'specialist',
  'part-time',
] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

/** Area code lengths a street's team may look after: a community (12) or a grid (15) inside the street. */
export function teamAreaIssue(areaCode: string, streetCode: string): string | undefined {
  if (areaCode.length !== 12 && areaCode.length !== 15)
    return 'must be a community (12 digits) or grid (15 digits) code';
  if (!areaCode.startsWith(streetCode)) return `must lie inside the unit's street ${streetCode}`;
  return undefined;
}
