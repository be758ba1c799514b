import { JSON_CONTENT_TYPE, type Open311Format } from './open311.domain';
import {
  OPEN311_SCHEMAS,
  type JsonSchema,
  type Open311DocumentKind,
  type Open311Documents,
} from './open311.schemas';

/**
 * Open311 GeoReport v2 XML — the format the specification requires (JSON is optional and is the
 * "Spark convention" mapping of the XML). One mapping, both ways:
 *
 * | JSON                               | XML                                                        |
 * |------------------------------------|------------------------------------------------------------|
 * | the document                       | the root element of its kind (`XML_ROOTS`)                 |
 * | an array                           | a container element with one item element per entry: the   |
 * |                                    | root's item (`<services><service>`), or by container name   |
 * |                                    | (`XML_ITEMS`: attributes→attribute, values→value,           |
 * |                                    | endpoints→endpoint, formats→format); `[]` ⇄ `<values/>`     |
 * | an object                          | one child element per property, in property order          |
 * | a string                           | its text, escaped                                          |
 * | a number / true / false            | its text (`37.76`, `true`)                                 |
 * | null                               | an empty element (`<account_id/>`)                         |
 * | an absent (undefined) property     | no element                                                 |
 *
 * XML text carries no types, so `parseOpen311Xml` reads it back with the kind's JSON Schema: a
 * number or boolean where the schema says so, an empty element as null (or `[]` for an array), a
 * string otherwise ("001" stays "001"). The result is then checked with the same schema as JSON.
 * Consequences: an empty string is written as an empty element and so reads back as null (the
 * domain never emits ""), and the characters XML 1.0 cannot carry at all (most C0 controls,
 * U+FFFE, U+FFFF, lone surrogates) are written as U+FFFD. A carriage return is written as `&#13;`
 * so that it survives XML's line-end normalisation.
 */

/** Root element and, for a list document, the element of each entry. */
export const XML_ROOTS: Readonly<Record<Open311DocumentKind, { root: string; item?: string }>> = {
  discovery: { root: 'discovery' },
  serviceList: { root: 'services', item: 'service' },
  serviceDefinition: { root: 'service_definition' },
  requestCreated: { root: 'service_requests', item: 'request' },
  serviceRequests: { root: 'service_requests', item: 'request' },
  tokens: { root: 'service_requests', item: 'request' },
  errors: { root: 'errors', item: 'error' },
};

/** The entry element of each nested list, by the list's property name. */
export const XML_ITEMS: Readonly<Record<string, string>> = {
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};

export const XML_CONTENT_TYPE = 'text/xml; charset=utf-8';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
const INDENT = '  ';
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** A response body in the format the resource's extension named, with its Content-Type. */
export function renderOpen311<K extends Open311DocumentKind>(
  format: Open311Format,
  kind: K,
  document: Open311Documents[K],
): { contentType: string; body: string } {
  switch (format) {
    case 'json':
      return { contentType: JSON_CONTENT_TYPE, body: JSON.stringify(document) };
    case 'xml':
      return { contentType: XML_CONTENT_TYPE, body: toOpen311Xml(kind, document) };
  }
}

/** The document as GeoReport v2 XML, with the UTF-8 declaration the specification asks for. */
export function toOpen311Xml<K extends Open311DocumentKind>(kind: K, document: Open311Documents[K]): string {
  const { root, item } = XML_ROOTS[kind];
  const lines = [DECLARATION];
  writeElement(lines, root, document, 0, item);
  return `${lines.join('\n')}\n`;
}

function writeElement(lines: string[], name: string, value: unknown, depth: number, itemName?: string): void {
  if (!NAME.test(name)) {
    throw new Open311XmlError(`"${name}" is not an XML element name`);
  }
  const pad = INDENT.repeat(depth);
  if (value === null) {
    lines.push(`${pad}<${name}/>`);
  } else if (Array.isArray(value)) {
    const entry = itemName ?? XML_ITEMS[name];
    if (entry === undefined) {
      throw new Open311XmlError(`No entry element is defined for the list "${name}"`);
    }
    if (value.length === 0) {
      lines.push(`${pad}<${name}/>`);
      return;
    }
    lines.push(`${pad}<${name}>`);
    for (const element of value as unknown[]) {
      if (Array.isArray(element)) {
        throw new Open311XmlError(`A list inside the list "${name}" has no XML form`);
      }
      writeElement(lines, entry, element, depth + 1);
    }
    lines.push(`${pad}</${name}>`);
  } else if (typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) {
      lines.push(`${pad}<${name}/>`);
      return;
    }
    lines.push(`${pad}<${name}>`);
    for (const [key, child] of entries) {
      writeElement(lines, key, child, depth + 1);
    }
    lines.push(`${pad}</${name}>`);
  } else {
    const text = scalarText(name, value);
    lines.push(text === '' ? `${pad}<${name}/>` : `${pad}<${name}>${text}</${name}>`);
  }
}

function scalarText(name: string, value: unknown): string {
  switch (typeof value) {
    case 'string':
      return escapeXmlText(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) {
        throw new Open311XmlError(`"${name}" is not a finite number`);
      }
      return String(value);
    case 'bigint':
    case 'symbol':
    case 'function':
    case 'undefined':
    case 'object':
      throw new Open311XmlError(`"${name}" has no XML form (${typeof value})`);
  }
}

/** Escapes text for element content or an attribute value. */
export function escapeXmlText(text: string): string {
  return toXmlChars(text).replace(/[&<>"'\r]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&apos;';
      default:
        return '&#13;';
    }
  });
}

/**
 * Replaces what XML 1.0's Char production excludes — C0 controls other than tab, LF and CR,
 * U+FFFE, U+FFFF and unpaired surrogates — with U+FFFD; no reference can carry them either.
 */
function toXmlChars(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    let bad = (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0xfffe || c === 0xffff;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i += 1;
        continue;
      }
      bad = true;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      bad = true;
    }
    if (bad) {
      out += `${text.slice(from, i)}\uFFFD`;
      from = i + 1;
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

// ---- Reading ----

/** Malformed XML, or XML outside the small subset GeoReport v2 uses. */
export class Open311XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Open311XmlError';
  }
}

/** An element of the subset read here: no attributes, no namespaces, no mixed content. */
export interface XmlElement {
  name: string;
  children: XmlElement[];
  /** The text content; '' when the element has child elements. */
  text: string;
}

/**
 * Reads a GeoReport v2 XML document back into its JSON shape, typed by the kind's schema (see the
 * mapping above). Meant for tests: it checks structure (root and entry names, well-formedness) and
 * leaves the content to the schema validator.
 */
export function parseOpen311Xml(kind: Open311DocumentKind, xml: string): unknown {
  const root = parseXmlElement(xml);
  const { root: rootName, item } = XML_ROOTS[kind];
  if (root.name !== rootName) {
    throw new Open311XmlError(`Expected <${rootName}>, found <${root.name}>`);
  }
  return toJson(root, OPEN311_SCHEMAS[kind], item);
}

function toJson(element: XmlElement, schema: JsonSchema, itemName?: string): unknown {
  const types = typesOf(schema);
  const empty = element.children.length === 0 && element.text === '';
  if (empty) {
    if (types.has('array')) return [];
    if (types.has('null')) return null;
    if (types.has('object')) return {};
    return types.has('string') ? '' : null;
  }
  if (element.children.length > 0) {
    if (types.has('array')) {
      const entry = itemName ?? XML_ITEMS[element.name];
      return element.children.map((child) => {
        if (child.name !== entry) {
          throw new Open311XmlError(`<${element.name}> holds <${child.name}>, expected <${entry ?? '?'}>`);
        }
        return toJson(child, schema.items ?? {});
      });
    }
    const object: Record<string, unknown> = {};
    for (const child of element.children) {
      if (Object.hasOwn(object, child.name)) {
        throw new Open311XmlError(`<${element.name}> repeats <${child.name}> outside a list`);
      }
      object[child.name] = toJson(child, schema.properties?.[child.name] ?? {});
    }
    return object;
  }
  return scalarFromText(element.text, types);
}

const INTEGER = /^-?(?:0|[1-9]\d*)$/;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function scalarFromText(text: string, types: ReadonlySet<string>): unknown {
  if (types.has('boolean') && (text === 'true' || text === 'false')) {
    return text === 'true';
  }
  if ((types.has('integer') && INTEGER.test(text)) || (types.has('number') && NUMBER.test(text))) {
    return Number(text);
  }
  return text;
}

/** The JSON types a schema allows; none given → judged by the keywords it uses. */
function typesOf(schema: JsonSchema): ReadonlySet<string> {
  if (typeof schema.type === 'string') return new Set([schema.type]);
  if (schema.type) return new Set(schema.type);
  if (schema.properties) return new Set(['object']);
  if (schema.items) return new Set(['array']);
  return new Set(['string']);
}

/** Parses one XML document into its root element. Rejects DOCTYPEs (no entity expansion). */
export function parseXmlElement(xml: string): XmlElement {
  // XML processors turn CR LF and lone CR into LF before parsing; `&#13;` survives that.
  const reader = new XmlReader(xml.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'));
  reader.skipProlog();
  const root = reader.readElement();
  reader.skipMisc();
  if (!reader.atEnd()) {
    throw reader.error('content after the root element');
  }
  return root;
}

class XmlReader {
  private pos = 0;

  constructor(private readonly src: string) {}

  atEnd(): boolean {
    return this.pos >= this.src.length;
  }

  error(what: string): Open311XmlError {
    return new Open311XmlError(`XML: ${what} at offset ${this.pos}`);
  }

  skipProlog(): void {
    if (this.src.startsWith('<?xml', this.pos)) {
      this.skipPast('?>');
    }
    this.skipMisc();
    if (this.src.startsWith('<!DOCTYPE', this.pos)) {
      throw this.error('DOCTYPE is not accepted');
    }
  }

  /** Whitespace, comments and processing instructions between elements. */
  skipMisc(): void {
    for (;;) {
      this.skipWhitespace();
      if (this.src.startsWith('<!--', this.pos)) {
        this.skipPast('-->');
      } else if (this.src.startsWith('<?', this.pos)) {
        this.skipPast('?>');
      } else {
        return;
      }
    }
  }

  readElement(): XmlElement {
    if (this.src[this.pos] !== '<') {
      throw this.error('expected an element');
    }
    this.pos += 1;
    const name = this.readName();
    this.skipWhitespace();
    if (this.src.startsWith('/>', this.pos)) {
      this.pos += 2;
      return { name, children: [], text: '' };
    }
    if (this.src[this.pos] !== '>') {
      throw this.error(`attributes or junk in <${name}> (GeoReport XML has no attributes)`);
    }
    this.pos += 1;
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      if (this.atEnd()) {
        throw this.error(`<${name}> is not closed`);
      }
      if (this.src.startsWith('</', this.pos)) {
        this.pos += 2;
        const closing = this.readName();
        this.skipWhitespace();
        if (closing !== name || this.src[this.pos] !== '>') {
          throw this.error(`</${closing}> does not close <${name}>`);
        }
        this.pos += 1;
        break;
      }
      if (this.src.startsWith('<!--', this.pos)) {
        this.skipPast('-->');
      } else if (this.src.startsWith('<![CDATA[', this.pos)) {
        const end = this.src.indexOf(']]>', this.pos);
        if (end < 0) throw this.error('unterminated CDATA');
        text += this.src.slice(this.pos + 9, end);
        this.pos = end + 3;
      } else if (this.src.startsWith('<?', this.pos)) {
        this.skipPast('?>');
      } else if (this.src[this.pos] === '<') {
        children.push(this.readElement());
      } else {
        text += this.readText();
      }
    }
    if (children.length > 0) {
      if (text.trim() !== '') {
        throw this.error(`<${name}> mixes text and elements`);
      }
      text = '';
    }
    return { name, children, text };
  }

  private readName(): string {
    const match = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(this.src.slice(this.pos, this.pos + 200));
    if (!match) {
      throw this.error('expected an element name');
    }
    this.pos += match[0].length;
    if (this.src[this.pos] === ':') {
      throw this.error('namespaced names are not accepted');
    }
    return match[0];
  }

  private readText(): string {
    const end = this.src.indexOf('<', this.pos);
    const raw = this.src.slice(this.pos, end < 0 ? this.src.length : end);
    this.pos += raw.length;
    return raw.replace(/&([^;&<]*);|&/g, (whole, ref: string | undefined) => {
      if (ref === undefined) throw this.error('a bare "&"');
      return decodeReference(ref, () => this.error(`unknown reference ${whole}`));
    });
  }

  private skipWhitespace(): void {
    while (this.pos < this.src.length && ' \t\n'.includes(this.src[this.pos] ?? '')) {
      this.pos += 1;
    }
  }

  private skipPast(end: string): void {
    const at = this.src.indexOf(end, this.pos);
    if (at < 0) {
      throw this.error(`missing "${end}"`);
    }
    this.pos = at + end.length;
  }
}

const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeReference(ref: string, fail: () => Error): string {
  const named = NAMED[ref];
  if (named !== undefined) return named;
  const numeric = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(ref);
  if (!numeric) throw fail();
  const codePoint = numeric[1] !== undefined ? parseInt(numeric[1], 16) : Number(numeric[2]);
  if (codePoint > 0x10ffff || codePoint === 0) throw fail();
  return String.fromCodePoint(codePoint);
}
