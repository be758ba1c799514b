import { Body, Controller, Get, HttpCode, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { RateLimit } from '@jsjb/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Open311Format, parseOpen311Format, splitOpen311Resource } from './open311.domain';
import { Open311Exception, OversizeForm } from './open311.errors';
import {
  CREATE_REQUEST_EXAMPLES,
  CREATE_REQUEST_FORM_SCHEMA,
  CREATED_EXAMPLE,
  ERRORS_EXAMPLE,
  ERRORS_XML_EXAMPLE,
  REQUESTS_EXAMPLE,
} from './open311.examples';
import { Open311ExceptionFilter } from './open311.filter';
import { FORM, Open311FormRoute } from './open311-form.parser';
import type { Open311DocumentKind, Open311Documents } from './open311.schemas';
import { Open311Service } from './open311.service';
import { renderOpen311 } from './open311.xml';

const FORMAT_PARAM = { name: 'format', enum: ['json', 'xml'], description: '回答格式' } as const;
const ERRORS = {
  description: 'GeoReport 错误格式：[{code, description}]（XML 为 <errors><error>…）',
  content: {
    'application/json': { example: ERRORS_EXAMPLE },
    'text/xml': { example: ERRORS_XML_EXAMPLE },
  },
} as const;

/**
 * Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2) — the standard interface through which
 * city apps and third-party clients (市民 App、第三方平台) list services and submit and follow
 * requests. Public routes: POST requests checks the client's api_key itself; reads need none.
 * Every resource comes as `.json` or `.xml`; errors too, in the specification's format. All routes
 * share one budget per client address (RATE_LIMIT_PUBLIC_PER_MINUTE; 429 with Retry-After).
 */
@ApiTags('open311')
@RateLimit('open311')
@UseFilters(Open311ExceptionFilter)
@Controller('open311/v2')
export class Open311Controller {
  constructor(private readonly open311: Open311Service) {}

  @Get('discovery.:format')
  @ApiOperation({ summary: '服务发现 — service discovery: endpoint, formats, contact, how to get a key' })
  @ApiParam(FORMAT_PARAM)
  @ApiProduces('application/json', 'text/xml')
  async discovery(@Param('format') format: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const fmt = formatOf('discovery', format);
    return send(reply, fmt, 'discovery', await this.open311.discovery());
  }

  @Get('services.:format')
  @ApiOperation({
    summary: '服务列表 — the service list: one service per dispatch-catalogue (派单目录) item',
  })
  @ApiParam(FORMAT_PARAM)
  @ApiQuery({ name: 'jurisdiction_id', required: false })
  @ApiProduces('application/json', 'text/xml')
  @ApiResponse({ status: 404, ...ERRORS })
  services(
    @Param('format') format: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const fmt = formatOf('services', format);
    return send(reply, fmt, 'serviceList', this.open311.services(rawQuery(request)));
  }

  @Get('services/:file')
  @ApiOperation({
    summary: '服务定义 — a service definition: its attributes (诉求类型, 是否保密)',
    description:
      'The path is `services/{service_code}.{format}`, e.g. `services/city.facility.manhole.json`.',
  })
  @ApiParam({ name: 'file', example: 'city.facility.manhole.json', description: '{service_code}.{format}' })
  @ApiProduces('application/json', 'text/xml')
  @ApiResponse({ status: 404, ...ERRORS })
  serviceDefinition(
    @Param('file') file: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { id, format } = resourceOf('services', file);
    return send(reply, format, 'serviceDefinition', this.open311.serviceDefinition(id, rawQuery(request)));
  }

  @Post('requests.:format')
  @HttpCode(200)
  @Open311FormRoute()
  @ApiOperation({
    summary: '提交诉求 — POST a service request: a ticket of the open311 channel, its number at once',
    description:
      'An `application/x-www-form-urlencoded` form with `api_key`. 403 without a valid key; 400 without service_code, location (lat+long, address_string or address_id) or description, or with a bad field; 404 for an unknown service_code or jurisdiction_id; 413 over the body limit; 429 when the caller’s phone or the client address is over its rate limit.',
  })
  @ApiParam(FORMAT_PARAM)
  @ApiConsumes(FORM)
  @ApiBody({ schema: CREATE_REQUEST_FORM_SCHEMA, examples: CREATE_REQUEST_EXAMPLES })
  @ApiProduces('application/json', 'text/xml')
  @ApiResponse({
    status: 200,
    description: 'service_request_id = 工单编号',
    content: { 'application/json': { example: CREATED_EXAMPLE } },
  })
  @ApiResponse({ status: 400, ...ERRORS })
  @ApiResponse({ status: 403, ...ERRORS })
  @ApiResponse({ status: 404, ...ERRORS })
  async create(
    @Param('format') format: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const fmt = formatOf('requests', format);
    if (body instanceof OversizeForm) {
      throw Open311Exception.of(413, `The form exceeds ${body.limitBytes} bytes`);
    }
    if (body !== undefined && typeof body !== 'string') {
      throw Open311Exception.of(400, `POST requests takes an ${FORM} body`);
    }
    return send(reply, fmt, 'requestCreated', await this.open311.create(body ?? ''));
  }

  @Get('requests.:format')
  @ApiOperation({
    summary: '查询诉求 — GET service requests: by ids, or by service, dates (90 days at most) and status',
    description:
      'service_request_id (comma-separated) overrides the other parameters. Without dates: the last 90 days. Newest first, at most `limit` (1–1000, 1000 by default).',
  })
  @ApiParam(FORMAT_PARAM)
  @ApiQuery({ name: 'service_request_id', required: false, example: '20261121000123,20261121000124' })
  @ApiQuery({ name: 'service_code', required: false, example: 'city.facility.manhole' })
  @ApiQuery({ name: 'start_date', required: false, example: '2026-11-01T00:00:00+08:00' })
  @ApiQuery({ name: 'end_date', required: false, example: '2026-11-21T23:59:59+08:00' })
  @ApiQuery({ name: 'status', required: false, enum: ['open', 'closed'] })
  @ApiQuery({ name: 'limit', required: false, example: 100 })
  @ApiQuery({ name: 'jurisdiction_id', required: false })
  @ApiProduces('application/json', 'text/xml')
  @ApiResponse({
    status: 200,
    description: '诉求列表',
    content: { 'application/json': { example: REQUESTS_EXAMPLE } },
  })
  @ApiResponse({ status: 400, ...ERRORS })
  async requests(
    @Param('format') format: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const fmt = formatOf('requests', format);
    return send(reply, fmt, 'serviceRequests', await this.open311.requests(rawQuery(request)));
  }

  @Get('requests/:file')
  @ApiOperation({
    summary: '诉求详情 — GET one service request by its service_request_id (工单编号)',
    description: 'The path is `requests/{service_request_id}.{format}`.',
  })
  @ApiParam({ name: 'file', example: '20261121000123.json', description: '{service_request_id}.{format}' })
  @ApiProduces('application/json', 'text/xml')
  @ApiResponse({ status: 404, ...ERRORS })
  async request(
    @Param('file') file: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { id, format } = resourceOf('requests', file);
    return send(reply, format, 'serviceRequests', await this.open311.request(id, rawQuery(request)));
  }

  @Get('tokens/:file')
  @ApiOperation({
    summary:
      'GET service_request_id from a token — always 404: requests are created at once, no token is issued',
  })
  @ApiParam({ name: 'file', example: '123456.json', description: '{token}.{format}' })
  @ApiProduces('application/json', 'text/xml')
  @ApiResponse({ status: 404, ...ERRORS })
  token(@Param('file') file: string, @Req() request: FastifyRequest): never {
    const { id } = resourceOf('tokens', file);
    return this.open311.token(id, rawQuery(request));
  }
}

/** The format of `{resource}.{format}`: 404 for one not served. */
function formatOf(resource: string, format: string): Open311Format {
  const parsed = parseOpen311Format(format);
  if (!parsed) throw Open311Exception.of(404, `${resource}.${format} was not found: use .json or .xml`);
  return parsed;
}

/** `{id}.{format}` of a resource: 404 without a format served. */
function resourceOf(resource: string, file: string): { id: string; format: Open311Format } {
  const parsed = splitOpen311Resource(file);
  if (!parsed) throw Open311Exception.of(404, `${resource}/${file} was not found: use {id}.json or {id}.xml`);
  return parsed;
}

/**
 * The raw query string: read with URLSearchParams by the Open311 layer, so that repeated keys and
 * a `+` in a datetime offset are handled the same way as in the POST form.
 */
function rawQuery(request: FastifyRequest): string {
  const at = request.url.indexOf('?');
  return at < 0 ? '' : request.url.slice(at + 1);
}

function send<K extends Open311DocumentKind>(
  reply: FastifyReply,
  format: Open311Format,
  kind: K,
  document: Open311Documents[K],
): string {
  const { contentType, body } = renderOpen311(format, kind, document);
  void reply.header('content-type', contentType);
  return body;
}
