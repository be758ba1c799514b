import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { REFERENCE_KINDS, UNIT_KINDS } from '@jsjb/contracts';
import { ApiZodBody, ApiZodQuery, Clock, parseOrThrow, ValidationError } from '@jsjb/platform';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { catalogueSchema, catalogueTree } from '../catalogue/catalogue.domain';
import { type Unit } from '../dispatch/units.domain';
import { ReferenceStore } from './reference-data';
import { CSV, GEO_JSON, ReferenceImportRoute } from './reference-import.parsers';
import { type ImportResult, ReferenceService } from './reference.service';
import { VERSION_LABEL } from './reference-version.domain';

const versionLabel = z.string().regex(VERSION_LABEL, 'letters, digits, . _ - (at most 64)');
const csvQuery = z
  .object({
    version: z.string().regex(/^\d{4}\.[1-9]\d*$/, 'YYYY.N, e.g. 2026.2'),
    publishedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
const territoryQuery = z.object({ version: versionLabel }).strict();
const unitsBody = z.object({ version: versionLabel, units: z.array(z.unknown()).min(1) }).strict();
const unitsQuery = z
  .object({
    kind: z.enum(UNIT_KINDS).optional(),
    districtCode: z
      .string()
      .regex(/^\d{6}$/, 'a district code (6 digits)')
      .optional(),
  })
  .strict();
const kindParam = z.enum(REFERENCE_KINDS);

/**
 * Reference data administration: import territory, units and catalogue versions (each import is
 * validated, stored, activated and published as changes on jsjb.reference.v1), read what is in force,
 * and publish a full snapshot on demand.
 */
@ApiTags('reference')
@ApiBearerAuth()
@Controller('reference')
export class ReferenceController {
  constructor(
    private readonly reference: ReferenceService,
    private readonly store: ReferenceStore,
    private readonly clock: Clock,
  ) {}

  @Get('versions')
  @ApiOperation({ summary: 'The version in force of the territory, units and catalogue' })
  versions() {
    return this.reference.versions();
  }

  @Get('catalogue/tree')
  @ApiOperation({ summary: 'The dispatch catalogue (派单目录) in force as a tree' })
  catalogueTree() {
    const { catalogue } = this.store.current();
    return { version: catalogue.version, publishedAt: catalogue.publishedAt, tree: catalogueTree(catalogue) };
  }

  @Get('units')
  @ApiOperation({ summary: 'Units in force, optionally of one kind and within one district' })
  @ApiZodQuery(unitsQuery)
  units(@Query() query: unknown) {
    const { kind, districtCode } = parseOrThrow(unitsQuery, query);
    const data = this.store.current();
    const units = [...data.directory.all()].filter(
      (unit) =>
        (kind === undefined || unit.kind === kind) &&
        (districtCode === undefined || inDistrict(unit, districtCode)),
    );
    return { version: data.versions.units, units };
  }

  @Post('catalogue')
  @HttpCode(200)
  @ReferenceImportRoute()
  @ApiOperation({
    summary: 'Import a catalogue version (JSON, or CSV with ?version=YYYY.N) and put it in force',
    description: '201 when activated, 200 when this version was already imported with this content.',
  })
  @ApiConsumes('application/json', CSV)
  @ApiZodBody(catalogueSchema, 'A catalogue as JSON, or its CSV form (text/csv) with ?version=')
  async importCatalogue(
    @Headers('content-type') contentType: string | undefined,
    @Query() query: unknown,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (isType(contentType, CSV)) {
      const meta = parseOrThrow(csvQuery, query);
      if (typeof body !== 'string') throw bodyRequired();
      return answer(
        reply,
        await this.reference.importCatalogueCsv(body, {
          version: meta.version,
          publishedAt: meta.publishedAt ?? this.clock.now().toISOString(),
        }),
      );
    }
    return answer(reply, await this.reference.importCatalogueJson(body));
  }

  @Post('territory')
  @HttpCode(200)
  @ReferenceImportRoute()
  @ApiOperation({
    summary: 'Import a territory version (GeoJSON FeatureCollection, ?version=…) and put it in force',
    description: `Send ${GEO_JSON} for large territories (its own body limit applies).`,
  })
  @ApiConsumes(GEO_JSON, 'application/json')
  @ApiBody({
    description: 'GeoJSON FeatureCollection: one Feature per area, properties code, name, level, parentCode',
    schema: {
      type: 'object',
      required: ['type', 'features'],
      properties: {
        type: { type: 'string', enum: ['FeatureCollection'] },
        features: { type: 'array', items: { type: 'object' } },
      },
    },
  })
  async importTerritory(
    @Query() query: unknown,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { version } = parseOrThrow(territoryQuery, query);
    return answer(reply, await this.reference.importTerritory(version, body));
  }

  @Post('units')
  @HttpCode(200)
  @ApiOperation({ summary: 'Import a units version ({ version, units }) and put it in force' })
  @ApiZodBody(unitsBody)
  async importUnits(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const { version, units } = parseOrThrow(unitsBody, body);
    return answer(reply, await this.reference.importUnits(version, units));
  }

  @Post(':kind/snapshot')
  @HttpCode(202)
  @ApiOperation({ summary: 'Publish the version in force of a kind as a full snapshot on jsjb.reference.v1' })
  snapshot(@Param('kind') kind: string) {
    return this.reference.publishSnapshot(parseOrThrow(kindParam, kind, 'kind'));
  }
}

/** 201 when a version was activated, 200 when it was already there. */
function answer(reply: FastifyReply, result: ImportResult): ImportResult {
  void reply.status(result.outcome === 'activated' ? 201 : 200);
  return result;
}

function isType(contentType: string | undefined, type: string): boolean {
  return (contentType ?? '').toLowerCase().split(';')[0]?.trim() === type;
}

function bodyRequired(): ValidationError {
  return new ValidationError([{ field: '(body)', code: 'empty_body', message: 'a CSV body is required' }]);
}

/** A unit belongs to a district when it answers for it or (a utility) serves it or one of its streets. */
function inDistrict(unit: Unit, districtCode: string): boolean {
  switch (unit.kind) {
    case 'street':
    case 'district-government':
      return unit.districtCode === districtCode;
    case 'department':
      return unit.level === 'district' && unit.districtCode === districtCode;
    case 'utility':
      return unit.serviceArea.some((code) => code.startsWith(districtCode));
  }
}
