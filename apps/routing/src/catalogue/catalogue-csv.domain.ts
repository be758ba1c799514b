import { URGENCY_CLASSES } from '@jsjb/contracts';
import { DEPARTMENT_LEVELS, SECTORS, UTILITY_KINDS } from '../dispatch/units.domain';
import {
  type Catalogue,
  type CatalogueItem,
  CatalogueError,
  parseCatalogue,
  PATH_SEPARATOR,
  type ResponsibleRule,
  RULE_KINDS,
  ruleTarget,
} from './catalogue.domain';

/**
 * The catalogue as CSV (RFC 4180, UTF-8, comma separated, `"` quoting), the form editors keep it
 * in a spreadsheet. Version and publication time travel beside the file, not in it.
 *
 * Columns: code, path (› separated), rule kind, rule target, co-handlers (| separated), urgency,
 * keywords (| separated). Rule target: empty for territorial and district, `city:<sector>` or
 * `district:<sector>` for department, the utility kind for utility.
 */
export const CSV_COLUMNS = [
  'code',
  'path',
  'rule_kind',
  'rule_target',
  'co_handlers',
  'urgency',
  'keywords',
] as const;
type Column = (typeof CSV_COLUMNS)[number];

const LIST_SEPARATOR = '|';

/** One problem in a CSV file: `row` is the 1-based line of the record in the file (the header is row 1). */
export interface CsvIssue {
  readonly row: number;
  readonly column: Column | null;
  readonly message: string;
}

export class CatalogueCsvError extends CatalogueError {
  constructor(readonly csvIssues: readonly CsvIssue[]) {
    const lines = csvIssues.map(formatIssue);
    super('CATALOGUE.CSV_INVALID', `Invalid catalogue CSV: ${lines.join('; ')}`, lines);
    this.name = 'CatalogueCsvError';
  }
}

function formatIssue(issue: CsvIssue): string {
  return issue.column
    ? `row ${issue.row}, column ${issue.column}: ${issue.message}`
    : `row ${issue.row}: ${issue.message}`;
}

export function catalogueToCsv(catalogue: Catalogue): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const item of catalogue.items) {
    const fields = [
      item.code,
      item.path.join(PATH_SEPARATOR),
      item.rule.kind,
      ruleTarget(item.rule),
      item.coHandlers.join(LIST_SEPARATOR),
      item.urgency,
      item.keywords.join(LIST_SEPARATOR),
    ];
    lines.push(fields.map(quote).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function quote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

/**
 * Reads a catalogue from CSV. Every problem found is reported at once, naming the row and column;
 * nothing is returned unless the whole file is valid.
 */
export function catalogueFromCsv(text: string, meta: { version: string; publishedAt: string }): Catalogue {
  const issues: CsvIssue[] = [];
  const records = parseCsv(text.startsWith('\uFEFF') ? text.slice(1) : text, issues);
  const header = records[0];
  if (!header) throw new CatalogueCsvError([{ row: 1, column: null, message: 'the file is empty' }]);
  const position = new Map<Column, number>();
  for (const column of CSV_COLUMNS) {
    const index = header.fields.findIndex((name) => name.trim().toLowerCase() === column);
    if (index < 0) issues.push({ row: header.row, column, message: 'column is missing from the header' });
    else position.set(column, index);
  }
  if (issues.length > 0) throw new CatalogueCsvError(issues);

  const items: CatalogueItem[] = [];
  const rowOfCode = new Map<string, number>();
  for (const record of records.slice(1)) {
    if (record.fields.length === 1 && record.fields[0] === '') continue; // blank line
    const cell = (column: Column): string => record.fields[position.get(column) ?? -1]?.trim() ?? '';
    const before = issues.length;
    const report = (column: Column, message: string): void => {
      issues.push({ row: record.row, column, message });
    };
    if (record.fields.length !== header.fields.length) {
      issues.push({
        row: record.row,
        column: null,
        message: `has ${record.fields.length} fields, the header has ${header.fields.length}`,
      });
      continue;
    }
    const item = readItem(cell, report);
    if (!item || issues.length > before) continue;
    const twin = rowOfCode.get(item.code);
    if (twin !== undefined) {
      report('code', `code ${item.code} repeats row ${twin}`);
      continue;
    }
    rowOfCode.set(item.code, record.row);
    items.push(item);
  }
  if (issues.length > 0) throw new CatalogueCsvError(issues);
  try {
    return parseCatalogue({ version: meta.version, publishedAt: meta.publishedAt, items });
  } catch (error) {
    if (!(error instanceof CatalogueError)) throw error;
    // Item-level problems were caught per row; what remains is about rows together (paths) or the metadata.
    throw new CatalogueCsvError(
      error.issues.map((message) => {
        const match = /^items\.(\d+)\.(\w+)/.exec(message);
        const item = match ? items[Number(match[1])] : undefined;
        const row = item ? (rowOfCode.get(item.code) ?? 0) : 0;
        return {
          row,
          column: match?.[2] === 'path' ? 'path' : match?.[2] === 'code' ? 'code' : null,
          message,
        };
      }),
    );
  }
}

function readItem(
  cell: (column: Column) => string,
  reportIssue: (column: Column, message: string) => void,
): CatalogueItem | undefined {
  let problems = 0;
  const report = (column: Column, message: string): void => {
    problems += 1;
    reportIssue(column, message);
  };
  const code = cell('code');
  if (!code) report('code', 'is empty');
  const path = cell('path')
    .split(PATH_SEPARATOR)
    .map((s) => s.trim());
  if (path.length < 2 || path.length > 3 || path.some((s) => s === '')) {
    report('path', `must be 2–3 non-empty segments separated by "${PATH_SEPARATOR}"`);
  }
  const rule = readRule(cell('rule_kind'), cell('rule_target'), report);
  const coHandlers = splitList(cell('co_handlers'));
  for (const sector of coHandlers) {
    if (!isOneOf(SECTORS, sector)) report('co_handlers', `unknown sector "${sector}"`);
  }
  const urgency = cell('urgency');
  if (!isOneOf(URGENCY_CLASSES, urgency)) report('urgency', `must be one of ${URGENCY_CLASSES.join(', ')}`);
  const keywords = splitList(cell('keywords'));
  if (keywords.length === 0) report('keywords', 'needs at least one keyword');
  if (!rule || !isOneOf(URGENCY_CLASSES, urgency) || problems > 0) return undefined;

  const candidate = {
    code,
    name: path[path.length - 1] ?? '',
    path,
    rule,
    coHandlers,
    urgency,
    keywords,
  };
  // The item schema has the final word (code format, segment and keyword rules, co-handler checks).
  try {
    return parseCatalogue({ version: '0000.1', publishedAt: '2000-01-01T00:00:00Z', items: [candidate] })
      .items[0];
  } catch (error) {
    if (!(error instanceof CatalogueError)) throw error;
    for (const message of error.issues) {
      const field = /^items\.0\.(\w+)/.exec(message)?.[1] ?? '';
      report(columnOf(field), message.replace(/^items\.0\./, ''));
    }
    return undefined;
  }
}

function columnOf(field: string): Column {
  switch (field) {
    case 'name':
    case 'path':
      return 'path';
    case 'rule':
      return 'rule_target';
    case 'coHandlers':
      return 'co_handlers';
    case 'urgency':
      return 'urgency';
    case 'keywords':
      return 'keywords';
    default:
      return 'code';
  }
}

function readRule(
  kind: string,
  target: string,
  report: (column: Column, message: string) => void,
): ResponsibleRule | undefined {
  if (!isOneOf(RULE_KINDS, kind)) {
    report('rule_kind', `must be one of ${RULE_KINDS.join(', ')}`);
    return undefined;
  }
  switch (kind) {
    case 'territorial':
    case 'district':
      if (target !== '') report('rule_target', `must be empty for a ${kind} rule`);
      return { kind };
    case 'department': {
      const [level = '', sector = ''] = target.split(':');
      if (!isOneOf(DEPARTMENT_LEVELS, level) || !isOneOf(SECTORS, sector)) {
        report(
          'rule_target',
          `must be city:<sector> or district:<sector> with a known sector, got "${target}"`,
        );
        return undefined;
      }
      return { kind, level, sector };
    }
    case 'utility':
      if (!isOneOf(UTILITY_KINDS, target)) {
        report('rule_target', `must be one of ${UTILITY_KINDS.join(', ')}, got "${target}"`);
        return undefined;
      }
      return { kind, utility: target };
  }
}

function splitList(text: string): string[] {
  return text === ''
    ? []
    : text
        .split(LIST_SEPARATOR)
        .map((s) => s.trim())
        .filter((s) => s !== '');
}

function isOneOf<const T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

interface CsvRecord {
  /** 1-based line where the record starts. */
  readonly row: number;
  readonly fields: string[];
}

/** RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string, issues: CsvIssue[]): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordStart = 1;
  let inQuotes = false;
  let i = 0;
  const endRecord = (): void => {
    fields.push(field);
    records.push({ row: recordStart, fields });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const ch = text[i] ?? '';
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 1;
        } else inQuotes = false;
      } else {
        if (ch === '\n') line += 1;
        field += ch;
      }
    } else if (ch === '"' && field === '') {
      inQuotes = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
      endRecord();
      line += 1;
      recordStart = line;
    } else {
      field += ch;
    }
    i += 1;
  }
  if (inQuotes) issues.push({ row: recordStart, column: null, message: 'a quoted field is not closed' });
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}
