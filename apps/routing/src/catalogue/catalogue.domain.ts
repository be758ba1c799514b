import { URGENCY_CLASSES } from '@jsjb/contracts';
import { z } from 'zod';
import { DEPARTMENT_LEVELS, SECTORS, UTILITY_KINDS } from '../dispatch/units.domain';

/**
 * 派单目录 — the dispatch catalogue: a versioned 2–3 level tree of matter categories whose
 * leaves say which unit leads (主办), which sectors co-handle (协办), the default time-limit
 * class and the keywords that help classify a request. Stored flat: each leaf carries its path.
 */

/** Separator of path segments in text forms (CSV, rule strings): `城乡建设›物业管理›电梯故障`. */
export const PATH_SEPARATOR = '›';

export const RULE_KINDS = ['territorial', 'department', 'utility', 'district'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/**
 * Who leads an order of this matter:
 * - territorial (属地): the street of the location;
 * - department (行业): the department of a sector, at city or district level — never pushed down to a street;
 * - utility (水电气热): the company of a kind serving the location;
 * - district (兜底): the district government of the location.
 */
export const responsibleRuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('territorial') }).strict(),
  z
    .object({ kind: z.literal('department'), sector: z.enum(SECTORS), level: z.enum(DEPARTMENT_LEVELS) })
    .strict(),
  z.object({ kind: z.literal('utility'), utility: z.enum(UTILITY_KINDS) }).strict(),
  z.object({ kind: z.literal('district') }).strict(),
]);
export type ResponsibleRule = z.infer<typeof responsibleRuleSchema>;

/** Stable code: lowercase dotted segments, e.g. `urban.property.elevator`. Never reused for another matter. */
export const ITEM_CODE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*(\.[a-z][a-z0-9]*(-[a-z0-9]+)*){1,3}$/;

const segment = z
  .string()
  .min(1)
  .max(40)
  .refine((s) => s.trim() === s && !s.includes(PATH_SEPARATOR) && !s.includes('|'), {
    message: `no surrounding spaces, "${PATH_SEPARATOR}" or "|"`,
  });
const keyword = z
  .string()
  .min(1)
  .max(20)
  .refine((s) => s.trim() === s && !s.includes('|'), { message: 'no surrounding spaces or "|"' });

export const catalogueItemSchema = z
  .object({
    code: z.string().regex(ITEM_CODE, 'lowercase dotted code, e.g. urban.property.elevator'),
    /** 事项名称 — the leaf's Chinese name, equal to the last path segment. */
    name: segment,
    /** From the top category down to this leaf, 2–3 segments. */
    path: z.array(segment).min(2).max(3),
    rule: responsibleRuleSchema,
    /** 协办 — sectors whose departments co-handle, led by the lead unit. */
    coHandlers: z.array(z.enum(SECTORS)),
    urgency: z.enum(URGENCY_CLASSES),
    keywords: z.array(keyword).min(1),
  })
  .strict()
  .superRefine((item, ctx) => {
    if (item.path[item.path.length - 1] !== item.name) {
      ctx.addIssue({ code: 'custom', path: ['name'], message: 'name must equal the last path segment' });
    }
    if (new Set(item.coHandlers).size !== item.coHandlers.length) {
      ctx.addIssue({ code: 'custom', path: ['coHandlers'], message: 'co-handlers repeat' });
    }
    if (item.rule.kind === 'department' && item.coHandlers.includes(item.rule.sector)) {
      ctx.addIssue({
        code: 'custom',
        path: ['coHandlers'],
        message: 'the lead sector cannot co-handle its own matter',
      });
    }
  });
export type CatalogueItem = z.infer<typeof catalogueItemSchema>;

/** Catalogue versions are `YYYY.N`, e.g. `2026.1`. */
export const CATALOGUE_VERSION = /^\d{4}\.[1-9]\d*$/;

export const catalogueSchema = z
  .object({
    version: z.string().regex(CATALOGUE_VERSION, 'version is YYYY.N, e.g. 2026.1'),
    publishedAt: z.iso.datetime({ offset: true }),
    items: z.array(catalogueItemSchema).min(1),
  })
  .strict()
  .superRefine((catalogue, ctx) => {
    const codes = new Map<string, number>();
    const leaves = new Map<string, number>();
    catalogue.items.forEach((item, index) => {
      const first = codes.get(item.code);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['items', index, 'code'],
          message: `code ${item.code} repeats item ${first}`,
        });
      } else codes.set(item.code, index);
      const key = item.path.join(PATH_SEPARATOR);
      const twin = leaves.get(key);
      if (twin !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['items', index, 'path'],
          message: `path ${key} repeats item ${twin}`,
        });
      } else leaves.set(key, index);
    });
    // A node is either a category or a leaf: no leaf may be the ancestor of another.
    catalogue.items.forEach((item, index) => {
      for (let depth = 1; depth < item.path.length; depth += 1) {
        const ancestor = item.path.slice(0, depth).join(PATH_SEPARATOR);
        if (leaves.has(ancestor)) {
          ctx.addIssue({
            code: 'custom',
            path: ['items', index, 'path'],
            message: `${ancestor} is a leaf and cannot also be a category`,
          });
        }
      }
    });
  });
export type Catalogue = z.infer<typeof catalogueSchema>;

export class CatalogueError extends Error {
  constructor(
    readonly code: 'CATALOGUE.INVALID' | 'CATALOGUE.CSV_INVALID',
    message: string,
    readonly issues: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CatalogueError';
  }
}

/** Validates a catalogue (from JSON, a data module, or a CSV import) and returns it typed. */
export function parseCatalogue(input: unknown): Catalogue {
  const result = catalogueSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map(
    (issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
  );
  throw new CatalogueError('CATALOGUE.INVALID', `Invalid dispatch catalogue: ${issues.join('; ')}`, issues, {
    cause: result.error,
  });
}

/** A category or leaf of the catalogue tree. */
export interface CatalogueNode {
  readonly name: string;
  readonly children: CatalogueNode[];
  /** Set on leaves only. */
  readonly item?: CatalogueItem;
}

/** The tree view of a catalogue, categories in first-seen order. */
export function catalogueTree(catalogue: Catalogue): CatalogueNode[] {
  const roots: CatalogueNode[] = [];
  for (const item of catalogue.items) {
    let level = roots;
    item.path.forEach((name, depth) => {
      const isLeaf = depth === item.path.length - 1;
      let node = level.find((candidate) => candidate.name === name);
      if (!node) {
        node = isLeaf ? { name, children: [], item } : { name, children: [] };
        level.push(node);
      }
      level = node.children;
    });
  }
  return roots;
}

/** Finds items by code in O(1): build once per catalogue version. */
export function indexCatalogue(catalogue: Catalogue): ReadonlyMap<string, CatalogueItem> {
  return new Map(catalogue.items.map((item) => [item.code, item]));
}

/** Text form of a rule, as the CSV's `rule kind` + `rule target` columns and dispatch rule strings use it. */
export function ruleTarget(rule: ResponsibleRule): string {
  switch (rule.kind) {
    case 'territorial':
    case 'district':
      return '';
    case 'department':
      return `${rule.level}:${rule.sector}`;
    case 'utility':
      return rule.utility;
  }
}

export function catalogueToJson(catalogue: Catalogue): string {
  return `${JSON.stringify(catalogue, null, 2)}\n`;
}

export function catalogueFromJson(text: string): Catalogue {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CatalogueError('CATALOGUE.INVALID', 'Dispatch catalogue is not valid JSON', [String(error)], {
      cause: error,
    });
  }
  return parseCatalogue(parsed);
}
