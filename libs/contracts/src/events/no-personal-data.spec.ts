import { z } from 'zod';
import { EVENTS } from './catalog';

/**
 * Events carry no personal data of residents (Arts. 8, 35): the caller's name, phone and the like
 * stay in intake, sealed. Every event schema of the catalogue is walked and every field name is
 * checked; a field that names personal data fails, whatever its type. Names of things (a unit, an
 * area, a category) and the address of the problem's location are not personal data.
 */

/** One field of an event payload: its path (`.a.b[].c`), its own name and the name of its parent object. */
interface Field {
  path: string;
  key: string;
  parent: string | null;
}

/** Keys of zod definitions that hold further schemas: a type the walker does not open must not hide fields. */
const NESTING_KEYS = [
  'shape',
  'element',
  'innerType',
  'options',
  'in',
  'out',
  'valueType',
  'left',
  'right',
  'items',
  'getter',
];

function fieldsOf(schema: z.ZodType, path = '', parent: string | null = null): Field[] {
  if (schema instanceof z.ZodObject) {
    return Object.entries(schema.shape as Record<string, z.ZodType>).flatMap(([key, child]) => [
      { path: `${path}.${key}`, key, parent },
      ...fieldsOf(child, `${path}.${key}`, key),
    ]);
  }
  if (schema instanceof z.ZodArray) return fieldsOf(schema.element as z.ZodType, `${path}[]`, parent);
  if (schema instanceof z.ZodUnion) {
    return (schema.options as z.ZodType[]).flatMap((option) => fieldsOf(option, path, parent));
  }
  if (schema instanceof z.ZodPipe) {
    return [
      ...fieldsOf(schema.in as z.ZodType, path, parent),
      ...fieldsOf(schema.out as z.ZodType, path, parent),
    ];
  }
  if (schema instanceof z.ZodRecord) return fieldsOf(schema.valueType as z.ZodType, `${path}{}`, parent);
  if (schema instanceof z.ZodIntersection) {
    const { left, right } = schema._zod.def;
    return [...fieldsOf(left as z.ZodType, path, parent), ...fieldsOf(right as z.ZodType, path, parent)];
  }
  if (schema instanceof z.ZodTuple) {
    return schema._zod.def.items.flatMap((item, i) => fieldsOf(item as z.ZodType, `${path}[${i}]`, parent));
  }
  if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodCatch ||
    schema instanceof z.ZodReadonly ||
    schema instanceof z.ZodNonOptional ||
    schema instanceof z.ZodLazy
  ) {
    return fieldsOf(schema.unwrap() as z.ZodType, path, parent);
  }
  const nested = Object.keys(schema._zod.def).filter((k) => NESTING_KEYS.includes(k));
  if (nested.length > 0) {
    throw new Error(
      `${path}: the walker does not open ${schema.constructor.name} (${nested.join(', ')}); teach it`,
    );
  }
  return [];
}

/** The words of a field name, lower case: `callerPhoneHash` → caller, phone, hash; `id_card` → id, card. */
function wordsOf(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .map((w) => w.toLowerCase())
    .filter((w) => w !== '');
}

const PHONE_WORDS = new Set([
  'phone',
  'phones',
  'mobile',
  'mobiles',
  'tel',
  'telephone',
  'cellphone',
  'fax',
  'msisdn',
]);
const IDENTITY_WORDS = new Set(['idcard', 'passport', 'ssn', 'identity', 'sfz', 'shenfenzheng']);
const CONTACT_WORDS = new Set([
  'email',
  'mail',
  'wechat',
  'weixin',
  'qq',
  'birthday',
  'birthdate',
  'dob',
  'birth',
]);
/** Whose data a field is: any field about the caller belongs in intake. */
const PERSON_WORDS = new Set(['caller', 'callers', 'complainant', 'petitioner', 'citizen']);
const NAME_WORDS = new Set([
  'name',
  'names',
  'surname',
  'fullname',
  'firstname',
  'lastname',
  'realname',
  'nickname',
]);
/** `<thing>Name` is the name of a thing, not of a person. */
const THING_WORDS = new Set([
  'unit',
  'category',
  'catalogue',
  'area',
  'district',
  'street',
  'community',
  'grid',
  'service',
  'rule',
  'policy',
  'file',
  'topic',
]);
/** Where an address is the place of the problem. */
const LOCATION_OBJECTS = new Set(['location', 'place']);

/**
 * Bare `name` fields allowed, by event type and path: each one is the name of a thing. A new one
 * must be added here on purpose.
 */
const THING_NAMES: Readonly<Record<string, readonly string[]>> = {
  'territory.changed.v1': ['.upserted[].name'], // an area (district, street, community, grid)
  'units.changed.v1': ['.upserted[].name'], // a handling unit
  'catalogue.changed.v1': ['.upserted[].name'], // a dispatch-catalogue item
};

/** Why a field names personal data, or null when it does not. */
function personalData(type: string, field: Field): string | null {
  const words = wordsOf(field.key);
  const joined = words.join('');
  const has = (set: ReadonlySet<string>) => words.some((w) => set.has(w));
  if (has(PHONE_WORDS) || /phone|mobile/.test(joined)) return 'a phone number';
  if (has(IDENTITY_WORDS) || /idcard|idnumber|idno$|nationalid|citizenid|identitycard/.test(joined)) {
    return 'an identity document';
  }
  if (has(CONTACT_WORDS)) return 'contact or birth data';
  if (has(PERSON_WORDS)) return 'data about the caller';
  const last = words.at(-1) ?? '';
  if (NAME_WORDS.has(last) || words.some((w) => NAME_WORDS.has(w) && w !== 'name' && w !== 'names')) {
    const thing = words.length > 1 && THING_WORDS.has(words.at(-2) ?? '');
    const allowed = words.length === 1 && (THING_NAMES[type] ?? []).includes(field.path);
    if (!thing && !allowed) return 'a name of a person';
  }
  if (words.includes('address') && !(field.key === 'address' && LOCATION_OBJECTS.has(field.parent ?? ''))) {
    return 'an address that is not the problem’s location';
  }
  return null;
}

describe('events carry no personal data', () => {
  it('has no field naming personal data in any event of the catalogue', () => {
    const offending = Object.entries(EVENTS).flatMap(([type, definition]) =>
      fieldsOf(definition.schema as z.ZodType)
        .map((field) => ({ type, path: field.path, reason: personalData(type, field) }))
        .filter((f) => f.reason !== null),
    );
    expect(offending).toEqual([]);
  });

  it('reads every field of the catalogue, nested ones included', () => {
    const received = fieldsOf(EVENTS['ticket.received.v1'].schema).map((f) => f.path);
    expect(received).toEqual(expect.arrayContaining(['.ticketId', '.content', '.location.address']));
    const dispatched = fieldsOf(EVENTS['ticket.dispatched.v1'].schema).map((f) => f.path);
    expect(dispatched).toContain('.assignments[].unitId');
  });

  it('catches the field names that would carry it, and lets things’ names and the location through', () => {
    const schema = z.object({
      callerPhone: z.string(),
      contact: z.object({ mobile: z.string().nullable(), tel: z.string() }).optional(),
      idCardNo: z.string(),
      residentName: z.string(),
      name: z.string(),
      email: z.string(),
      homeAddress: z.string(),
      people: z.array(z.object({ fullName: z.string(), birthDate: z.string() })).default([]),
      phone_number: z.string(),
      unitName: z.string(),
      location: z.object({ address: z.string() }),
      staffId: z.string(),
      content: z.string(),
    });
    const flagged = fieldsOf(schema)
      .filter((f) => personalData('x.test.v1', f) !== null)
      .map((f) => f.path);
    expect(flagged).toEqual([
      '.callerPhone',
      '.contact.mobile',
      '.contact.tel',
      '.idCardNo',
      '.residentName',
      '.name',
      '.email',
      '.homeAddress',
      '.people[].fullName',
      '.people[].birthDate',
      '.phone_number',
    ]);
    const allowed = { path: '.upserted[].name', key: 'name', parent: null };
    expect(personalData('units.changed.v1', allowed)).toBeNull();
    expect(personalData('ticket.received.v1', allowed)).toBe('a name of a person');
  });
});
