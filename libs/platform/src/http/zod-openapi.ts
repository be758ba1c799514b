import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import { z } from 'zod';

/** An OpenAPI schema object (the swagger package does not export its type from its entry point). */
export type SchemaObject = Record<string, unknown> & {
  properties?: Record<string, unknown>;
  description?: string;
};

/** The OpenAPI 3.0 schema of a zod schema (what a request body or query must look like). */
export function openApiSchema(schema: z.ZodType): SchemaObject {
  return z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'any',
  });
}

/** An OpenAPI example: a short summary and the value. */
export interface ApiExample {
  summary: string;
  value: unknown;
}

/** Documents a route's JSON body with the zod schema its controller parses it with, and named examples. */
export function ApiZodBody(
  schema: z.ZodType,
  description?: string,
  examples?: Record<string, ApiExample>,
): MethodDecorator {
  return ApiBody({
    schema: openApiSchema(schema),
    ...(description ? { description } : {}),
    ...(examples ? { examples } : {}),
  } as Parameters<typeof ApiBody>[0]);
}

/** Documents each field of a zod object schema as an optional query parameter. */
export function ApiZodQuery(schema: z.ZodObject): MethodDecorator {
  const json = openApiSchema(schema);
  const properties = (json.properties ?? {}) as Record<string, SchemaObject>;
  return applyDecorators(
    ...Object.entries(properties).map(([name, property]) =>
      ApiQuery({
        name,
        required: false,
        schema: property,
        ...(property.description ? { description: property.description } : {}),
      } as Parameters<typeof ApiQuery>[0]),
    ),
  );
}
