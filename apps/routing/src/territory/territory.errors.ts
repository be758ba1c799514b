import type { TerritoryIssue } from './territory.domain';

export type TerritoryErrorCode = 'TERRITORY.INVALID' | 'TERRITORY.INVALID_SAMPLE_OPTIONS';

/** A territory that cannot be used; `issues` name the offending feature (index) and field. */
export class TerritoryError extends Error {
  constructor(
    readonly code: TerritoryErrorCode,
    message: string,
    readonly issues: readonly TerritoryIssue[] = [],
  ) {
    super(
      issues.length === 0
        ? message
        : `${message}:\n${issues
            .slice(0, 20)
            .map((i) => `  feature ${i.index} ${i.field}: ${i.message}`)
            .join('\n')}${issues.length > 20 ? `\n  … and ${issues.length - 20} more` : ''}`,
    );
    this.name = 'TerritoryError';
  }
}
