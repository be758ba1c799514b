// The dependency audit's judgement, apart from running npm: which high and critical advisories of
// `npm audit --json` are not covered by a reviewed, unexpired allow-list entry.

export type Severity = 'info' | 'low' | 'moderate' | 'high' | 'critical';

/** One reviewed exception (audit-allowlist.json): an advisory we accept for now, and why. */
export interface AllowListEntry {
  /** The GitHub advisory id, e.g. GHSA-xxxx-xxxx-xxxx. */
  id: string;
  package: string;
  reason: string;
  reviewedBy: string;
  /** YYYY-MM-DD: the entry stops counting after this day, forcing a new review. */
  expires: string;
}

export interface Advisory {
  id: string;
  package: string;
  severity: Severity;
  title: string;
  url: string;
}

export interface AuditVerdict {
  /** High and critical advisories not allowed: any fails the audit. */
  failing: Advisory[];
  /** High and critical advisories covered by a current allow-list entry. */
  allowed: Advisory[];
  /** Allow-list entries past their date (they allow nothing). */
  expired: AllowListEntry[];
  /** Advisories below high, reported only. */
  below: number;
}

interface AuditVia {
  source?: number;
  name?: string;
  title?: string;
  url?: string;
  severity?: Severity;
}

interface AuditReport {
  vulnerabilities?: Record<string, { via?: (AuditVia | string)[] }>;
}

const BLOCKING: readonly Severity[] = ['high', 'critical'];

/** The advisories in an `npm audit --json` (v2) report, each once. */
export function advisoriesOf(report: AuditReport): Advisory[] {
  const byId = new Map<string, Advisory>();
  for (const [name, vulnerability] of Object.entries(report.vulnerabilities ?? {})) {
    for (const via of vulnerability.via ?? []) {
      if (typeof via === 'string' || via.url === undefined) continue; // caused by another package
      const id = /GHSA-[\w-]+/.exec(via.url)?.[0] ?? String(via.source ?? via.url);
      byId.set(id, {
        id,
        package: via.name ?? name,
        severity: via.severity ?? 'info',
        title: via.title ?? '',
        url: via.url,
      });
    }
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

export function judgeAudit(
  report: AuditReport,
  allowList: readonly AllowListEntry[],
  today: string,
): AuditVerdict {
  const current = allowList.filter((entry) => entry.expires >= today);
  const expired = allowList.filter((entry) => entry.expires < today);
  const verdict: AuditVerdict = { failing: [], allowed: [], expired, below: 0 };
  for (const advisory of advisoriesOf(report)) {
    if (!BLOCKING.includes(advisory.severity)) {
      verdict.below += 1;
    } else if (current.some((entry) => entry.id === advisory.id && entry.package === advisory.package)) {
      verdict.allowed.push(advisory);
    } else {
      verdict.failing.push(advisory);
    }
  }
  return verdict;
}

/** Checks the allow-list file's shape: every entry reviewed, with a reason and a date. */
export function parseAllowList(raw: unknown): AllowListEntry[] {
  const entries = (raw as { advisories?: unknown }).advisories;
  if (!Array.isArray(entries)) throw new Error('audit-allowlist.json: expected { "advisories": [...] }');
  return entries.map((entry: unknown, index) => {
    const e = entry as Partial<AllowListEntry>;
    for (const key of ['id', 'package', 'reason', 'reviewedBy', 'expires'] as const) {
      if (typeof e[key] !== 'string' || e[key].trim() === '') {
        throw new Error(`audit-allowlist.json: advisories[${index}].${key} is required`);
      }
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(e.expires ?? '')) {
      throw new Error(`audit-allowlist.json: advisories[${index}].expires must be YYYY-MM-DD`);
    }
    return e as AllowListEntry;
  });
}
