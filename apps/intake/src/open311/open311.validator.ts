import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { type ValidateFunction } from 'ajv';
import { OPEN311_DOCUMENT_KINDS, OPEN311_SCHEMAS, type Open311DocumentKind } from './open311.schemas';

/**
 * Checks a response document (JSON, or XML read back with `parseOpen311Xml`) against the GeoReport v2
 * schemas. For tests: ajv is a devDependency, so runtime code must not import this module.
 */
export interface Open311Validator {
  /** The problems found, each as `<instance path> <message>`; empty when the document is valid. */
  check(kind: Open311DocumentKind, document: unknown): string[];
}

export function createOpen311Validator(): Open311Validator {
  // Strict: a keyword ajv does not know, or a misplaced one, is a mistake in the schemas. Except
  // `required` in a oneOf/if branch naming properties declared beside it: the usual idiom.
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true });
  addFormats(ajv, ['date-time', 'uri']);
  const compiled = new Map<Open311DocumentKind, ValidateFunction>(
    OPEN311_DOCUMENT_KINDS.map((kind) => [kind, ajv.compile(OPEN311_SCHEMAS[kind])]),
  );
  return {
    check(kind, document) {
      const validate = compiled.get(kind);
      if (!validate) {
        throw new Error(`No Open311 schema for ${kind}`);
      }
      if (validate(document)) {
        return [];
      }
      return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
    },
  };
}
