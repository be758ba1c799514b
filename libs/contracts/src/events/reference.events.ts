import { z } from 'zod';
import { TOPICS } from '../topics';
import { defineEvent } from './event-definition';
import { URGENCY_CLASSES } from './ticket.events';

/**
 * Reference data owned by routing — territory, units, dispatch catalogue — for the other services'
 * read models. Each kind is one ordered stream (key = kind). A version is published either as a full
 * snapshot (on demand, or when a consumer must rebuild) or as the changes from the previous version;
 * a large one is split into numbered parts that a consumer applies in order.
 */
export const REFERENCE_KINDS = ['territory', 'units', 'catalogue'] as const;
export const REFERENCE_MODES = ['snapshot', 'changes'] as const;
export const AREA_LEVEL_CODES = ['city', 'district', 'street', 'community', 'grid'] as const;
export const UNIT_KINDS = ['street', 'district-government', 'department', 'utility'] as const;

const isoTime = z.iso.datetime({ offset: true });
const code = z.string().min(1).max(64);

/** Header of every reference event: which version, which part of how many. */
const part = {
  version: z.string().min(1).max(64),
  /** The version this one changes; null for a snapshot. */
  previousVersion: z.string().min(1).max(64).nullable(),
  mode: z.enum(REFERENCE_MODES),
  part: z.number().int().min(1),
  parts: z.number().int().min(1),
  publishedAt: isoTime,
};

export const referenceAreaSchema = z.object({
  code,
  name: z.string().min(1).max(100),
  level: z.enum(AREA_LEVEL_CODES),
  parentCode: code.nullable(),
});

export const referenceUnitSchema = z.object({
  id: z.string().min(1).max(100),
  kind: z.enum(UNIT_KINDS),
  name: z.string().min(1).max(100),
  /** The district of a street, district government or district-level department. */
  districtCode: code.nullable(),
  streetCode: code.nullable(),
  /** A department's sector or a utility's kind of supply. */
  sector: z.string().max(64).nullable(),
  serviceArea: z.array(code),
});

export const referenceCatalogueItemSchema = z.object({
  code,
  name: z.string().min(1).max(40),
  path: z.array(z.string().min(1).max(40)).min(2).max(3),
  urgency: z.enum(URGENCY_CLASSES),
  keywords: z.array(z.string().min(1).max(20)),
  /** Who leads, for people: e.g. `属地街道`, `区住房和城乡建设部门`. */
  lead: z.string().max(100),
});

export const territoryChangedV1 = defineEvent({
  type: 'territory.changed.v1',
  topic: TOPICS.reference,
  description:
    'A territory version (areas without geometry) as a snapshot or the changes from the previous one.',
  schema: z.object({ ...part, upserted: z.array(referenceAreaSchema), removed: z.array(code) }),
});

export const unitsChangedV1 = defineEvent({
  type: 'units.changed.v1',
  topic: TOPICS.reference,
  description: 'A unit-directory version as a snapshot or the changes from the previous one.',
  schema: z.object({
    ...part,
    upserted: z.array(referenceUnitSchema),
    removed: z.array(z.string().max(100)),
  }),
});

export const catalogueChangedV1 = defineEvent({
  type: 'catalogue.changed.v1',
  topic: TOPICS.reference,
  description: 'A dispatch-catalogue version as a snapshot or the changes from the previous one.',
  schema: z.object({ ...part, upserted: z.array(referenceCatalogueItemSchema), removed: z.array(code) }),
});
