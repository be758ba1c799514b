import { readFile } from 'node:fs/promises';
import { Client } from 'pg';

/**
 * Schema drift: compares the database that the SQL migrations produce with what
 * schema.prisma declares, as read by Prisma's own engine (the DMMF that the `dmmf`
 * generator writes on `prisma generate`). Tables, columns, types, nullability, enums,
 * indexes (primary, unique, plain) and foreign keys.
 */

/** The part of Prisma's DMMF datamodel this check reads. */
export interface DmmfDatamodel {
  models: DmmfModel[];
  enums: { name: string; dbName?: string | null; values: { name: string; dbName?: string | null }[] }[];
  indexes?: DmmfIndex[];
}

interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object' | 'unsupported';
  type: string;
  isList: boolean;
  isRequired: boolean;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
}

interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  dbName?: string | null;
  fields: { name: string }[];
}

export interface ColumnShape {
  type: string;
  nullable: boolean;
}

export interface IndexShape {
  table: string;
  columns: string[];
  unique: boolean;
  primary: boolean;
}

export interface ForeignKeyShape {
  table: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
}

/** A database schema reduced to what both sides can state. */
export interface SchemaShape {
  /** table → column → shape */
  tables: Map<string, Map<string, ColumnShape>>;
  /** index or constraint name → shape */
  indexes: Map<string, IndexShape>;
  foreignKeys: Map<string, ForeignKeyShape>;
  /** enum type → labels in order */
  enums: Map<string, string[]>;
}

const SCALAR_TYPES: Readonly<Record<string, string>> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
};

/** PostgreSQL's `format_type` spelling of a Prisma native type attribute (`@db.X(args)`). */
function nativeTypeSql(name: string, args: string[]): string | undefined {
  const a = args.join(',');
  const withArgs = (base: string, suffix = ''): string => (a ? `${base}(${a})${suffix}` : `${base}${suffix}`);
  switch (name) {
    case 'Text':
      return 'text';
    case 'VarChar':
      return withArgs('character varying');
    case 'Char':
      return withArgs('character');
    case 'Uuid':
      return 'uuid';
    case 'Xml':
      return 'xml';
    case 'Inet':
      return 'inet';
    case 'Citext':
      return 'citext';
    case 'Bit':
      return withArgs('bit');
    case 'VarBit':
      return withArgs('bit varying');
    case 'SmallInt':
      return 'smallint';
    case 'Integer':
      return 'integer';
    case 'Oid':
      return 'oid';
    case 'BigInt':
      return 'bigint';
    case 'Real':
      return 'real';
    case 'DoublePrecision':
      return 'double precision';
    case 'Decimal':
      return withArgs('numeric');
    case 'Money':
      return 'money';
    case 'Boolean':
      return 'boolean';
    case 'Date':
      return 'date';
    case 'Timestamp':
      return withArgs('timestamp', ' without time zone');
    case 'Timestamptz':
      return withArgs('timestamp', ' with time zone');
    case 'Time':
      return withArgs('time', ' without time zone');
    case 'Timetz':
      return withArgs('time', ' with time zone');
    case 'Json':
      return 'json';
    case 'JsonB':
      return 'jsonb';
    case 'ByteA':
      return 'bytea';
    default:
      return undefined;
  }
}

/** What schema.prisma declares, in the database's terms. */
export function expectedShape(datamodel: DmmfDatamodel): { shape: SchemaShape; problems: string[] } {
  const problems: string[] = [];
  const shape: SchemaShape = {
    tables: new Map(),
    indexes: new Map(),
    foreignKeys: new Map(),
    enums: new Map(),
  };
  const enumDbName = new Map(datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));
  for (const e of datamodel.enums)
    shape.enums.set(
      e.dbName ?? e.name,
      e.values.map((v) => v.dbName ?? v.name),
    );

  const tableOf = new Map(datamodel.models.map((m) => [m.name, m.dbName ?? m.name]));
  const columnOf = (model: DmmfModel, field: string): string => {
    const f = model.fields.find((x) => x.name === field);
    return f?.dbName ?? field;
  };

  for (const model of datamodel.models) {
    const table = model.dbName ?? model.name;
    const columns = new Map<string, ColumnShape>();
    for (const field of model.fields) {
      if (field.kind === 'object') {
        const from = field.relationFromFields ?? [];
        const target = datamodel.models.find((m) => m.name === field.type);
        if (from.length > 0 && target) {
          const cols = from.map((f) => columnOf(model, f));
          shape.foreignKeys.set(`${table}_${cols.join('_')}_fkey`, {
            table,
            columns: cols,
            refTable: tableOf.get(target.name) ?? target.name,
            refColumns: (field.relationToFields ?? []).map((f) => columnOf(target, f)),
          });
        }
        continue;
      }
      let type: string | undefined;
      if (field.kind === 'enum') type = enumDbName.get(field.type) ?? field.type;
      else if (field.nativeType) type = nativeTypeSql(field.nativeType[0], field.nativeType[1]);
      else type = SCALAR_TYPES[field.type];
      if (type === undefined) {
        problems.push(
          `${model.name}.${field.name}: type ${field.type} ${JSON.stringify(field.nativeType)} is not supported by the drift check`,
        );
        continue;
      }
      // Prisma renders scalar lists as nullable array columns (`TEXT[]`), whatever the arity.
      columns.set(field.dbName ?? field.name, {
        type: field.isList ? `${type}[]` : type,
        nullable: field.isList || !field.isRequired,
      });
    }
    shape.tables.set(table, columns);
  }

  for (const index of datamodel.indexes ?? []) {
    const model = datamodel.models.find((m) => m.name === index.model);
    if (!model || index.type === 'fulltext') continue;
    const table = model.dbName ?? model.name;
    const cols = index.fields.map((f) => columnOf(model, f.name));
    const suffix = index.type === 'id' ? 'pkey' : index.type === 'unique' ? 'key' : 'idx';
    const name =
      index.dbName ?? (index.type === 'id' ? `${table}_pkey` : `${table}_${cols.join('_')}_${suffix}`);
    shape.indexes.set(name, {
      table,
      columns: cols,
      unique: index.type !== 'normal',
      primary: index.type === 'id',
    });
  }
  return { shape, problems };
}

/** What the database has, read from the PostgreSQL catalogue (schema `public`). */
export async function actualShape(databaseUrl: string): Promise<SchemaShape> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const shape: SchemaShape = {
      tables: new Map(),
      indexes: new Map(),
      foreignKeys: new Map(),
      enums: new Map(),
    };
    const columns = await client.query<{ table: string; column: string; type: string; not_null: boolean }>(`
      SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
        AND c.relname <> '_prisma_migrations'
      ORDER BY c.relname, a.attnum`);
    for (const row of columns.rows) {
      const table = shape.tables.get(row.table) ?? new Map<string, ColumnShape>();
      table.set(row.column, { type: row.type.replace(/"/g, ''), nullable: !row.not_null });
      shape.tables.set(row.table, table);
    }
    const indexes = await client.query<{
      table: string;
      name: string;
      unique: boolean;
      primary: boolean;
      columns: string[];
    }>(`
      SELECT t.relname AS table, i.relname AS name, ix.indisunique AS unique, ix.indisprimary AS primary,
        array(SELECT a.attname::text FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord) AS columns
      FROM pg_index ix
      JOIN pg_class i ON i.oid = ix.indexrelid
      JOIN pg_class t ON t.oid = ix.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'`);
    for (const row of indexes.rows) {
      shape.indexes.set(row.name, {
        table: row.table,
        columns: row.columns,
        unique: row.unique,
        primary: row.primary,
      });
    }
    const fks = await client.query<{
      name: string;
      table: string;
      ref_table: string;
      columns: string[];
      ref_columns: string[];
    }>(`
      SELECT con.conname AS name, t.relname AS table, rt.relname AS ref_table,
        array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
        array(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS ref_columns
      FROM pg_constraint con
      JOIN pg_class t ON t.oid = con.conrelid
      JOIN pg_class rt ON rt.oid = con.confrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE con.contype = 'f' AND n.nspname = 'public'`);
    for (const row of fks.rows) {
      shape.foreignKeys.set(row.name, {
        table: row.table,
        columns: row.columns,
        refTable: row.ref_table,
        refColumns: row.ref_columns,
      });
    }
    const enums = await client.query<{ name: string; labels: string[] }>(`
      SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' GROUP BY t.typname`);
    for (const row of enums.rows) shape.enums.set(row.name, row.labels);
    return shape;
  } finally {
    await client.end();
  }
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Human-readable differences, empty when the migrations produce exactly what the schema says. */
export function diffShapes(schema: SchemaShape, migrated: SchemaShape): string[] {
  const out: string[] = [];
  for (const [table, columns] of schema.tables) {
    const actual = migrated.tables.get(table);
    if (!actual) {
      out.push(`table "${table}" is in schema.prisma but not created by the migrations`);
      continue;
    }
    for (const [column, want] of columns) {
      const got = actual.get(column);
      if (!got) out.push(`column "${table}"."${column}" is in schema.prisma but not in the migrations`);
      else {
        if (got.type !== want.type) {
          out.push(
            `column "${table}"."${column}": type ${want.type} in schema.prisma, ${got.type} in the migrations`,
          );
        }
        if (got.nullable !== want.nullable) {
          const word = (n: boolean): string => (n ? 'nullable' : 'NOT NULL');
          out.push(
            `column "${table}"."${column}": ${word(want.nullable)} in schema.prisma, ${word(got.nullable)} in the migrations`,
          );
        }
      }
    }
    for (const column of actual.keys()) {
      if (!columns.has(column))
        out.push(`column "${table}"."${column}" is created by the migrations but not in schema.prisma`);
    }
  }
  for (const table of migrated.tables.keys()) {
    if (!schema.tables.has(table))
      out.push(`table "${table}" is created by the migrations but not in schema.prisma`);
  }
  compareNamed('index', schema.indexes, migrated.indexes, out);
  compareNamed('foreign key', schema.foreignKeys, migrated.foreignKeys, out);
  compareNamed('enum', schema.enums, migrated.enums, out);
  return out;
}

function compareNamed<T>(
  what: string,
  schema: Map<string, T>,
  migrated: Map<string, T>,
  out: string[],
): void {
  for (const [name, want] of schema) {
    const got = migrated.get(name);
    if (got === undefined)
      out.push(`${what} "${name}" ${JSON.stringify(want)} is in schema.prisma but not in the migrations`);
    else if (!same(got, want))
      out.push(
        `${what} "${name}": ${JSON.stringify(want)} in schema.prisma, ${JSON.stringify(got)} in the migrations`,
      );
  }
  for (const [name, got] of migrated) {
    if (!schema.has(name))
      out.push(`${what} "${name}" ${JSON.stringify(got)} is in the migrations but not in schema.prisma`);
  }
}

/** Differences between the DMMF file written by `prisma generate` and a migrated database. */
export async function schemaDrift(dmmfPath: string, migratedDatabaseUrl: string): Promise<string[]> {
  const datamodel = JSON.parse(await readFile(dmmfPath, 'utf8')) as DmmfDatamodel;
  const { shape, problems } = expectedShape(datamodel);
  return [...problems, ...diffShapes(shape, await actualShape(migratedDatabaseUrl))];
}
