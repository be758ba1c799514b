import { type UnitAssignment } from './dispatch.domain';
import { type UnitDirectory } from './units.domain';

/**
 * 人工派单 / 改派 — the units a dispatcher chose. Unlike the automatic rules, a dispatcher may pick any
 * unit (including a street for a department's matter: they answer for it); the choice is only
 * checked for existence and repetition. A street lead is still copied (抄送) to its district
 * government (条例 Art. 12). Pure.
 */

export interface DispatcherChoice {
  readonly leadUnitId: string;
  readonly coUnitIds: readonly string[];
}

/** One problem with one field of the choice (mapped to a 422's `errors[]`). */
export interface ChoiceIssue {
  readonly field: string;
  readonly code: 'unknown_unit' | 'duplicate_unit';
  readonly message: string;
}

export type ChosenUnits =
  | { readonly ok: true; readonly units: readonly UnitAssignment[] }
  | { readonly ok: false; readonly issues: readonly ChoiceIssue[] };

/** The lead, co-handlers and copies of a dispatcher's choice, lead first; or what is wrong with it. */
export function chooseUnits(choice: DispatcherChoice, directory: UnitDirectory): ChosenUnits {
  const issues: ChoiceIssue[] = [];
  const lead = directory.unit(choice.leadUnitId);
  if (!lead) {
    issues.push({ field: 'leadUnitId', code: 'unknown_unit', message: `no unit ${choice.leadUnitId}` });
  }
  const seen = new Set<string>([choice.leadUnitId]);
  choice.coUnitIds.forEach((unitId, i) => {
    const field = `coUnitIds.${i}`;
    if (seen.has(unitId)) {
      issues.push({ field, code: 'duplicate_unit', message: `${unitId} is already chosen` });
    } else if (!directory.unit(unitId)) {
      issues.push({ field, code: 'unknown_unit', message: `no unit ${unitId}` });
    }
    seen.add(unitId);
  });
  if (!lead || issues.length > 0) return { ok: false, issues };

  const units: UnitAssignment[] = [
    { unitId: lead.id, role: 'lead' },
    ...choice.coUnitIds.map((unitId) => ({ unitId, role: 'co' as const })),
  ];
  if (lead.kind === 'street') {
    const government = directory.districtGovernment(lead.districtCode);
    if (government && !seen.has(government.id)) units.push({ unitId: government.id, role: 'copy' });
  }
  return { ok: true, units };
}
