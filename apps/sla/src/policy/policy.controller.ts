import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiZodBody, ApiZodQuery, CurrentPrincipal, parseOrThrow, type Principal } from '@jsjb/platform';
import { defaultPolicyDocument } from './policy.domain';
import { matchQuerySchema, newPolicySchema } from './policy.dto';
import { PolicyService } from './policy.service';

const EXAMPLE = {
  version: 'city-2027.1',
  description: '2027 年起：供水、供热类诉求 3 个工作日内办结',
  effectiveFrom: '2027-01-01T00:00:00+08:00',
  document: {
    warnings: [0.5, 0.75],
    rules: [
      {
        id: 'heating.workdays',
        description: '供热诉求按工作日计',
        match: { categories: ['urban.heating.*'] },
        schedule: 'workdays:cn',
        targets: {
          dispatch: { unit: 'minutes', value: 120 },
          'sign-in': { unit: 'minutes', value: 120 },
          response: { unit: 'minutes', value: 1440 },
          reply: { unit: 'working-days', value: 3 },
          callback: { unit: 'working-days', value: 2 },
        },
      },
      ...defaultPolicyDocument().rules,
    ],
  },
};

/** Time-limit policies (时限规则): versioned data; a version in force is never edited, a new one is added. */
@ApiTags('policies')
@ApiBearerAuth()
@Controller('policies')
export class PolicyController {
  constructor(private readonly policies: PolicyService) {}

  @Get()
  @ApiOperation({ summary: 'Policy versions, oldest first, with when each took effect' })
  list() {
    return { items: this.policies.list() };
  }

  @Get('match')
  @ApiOperation({ summary: 'Which rule of the version in force (or at `at`) a ticket would run on' })
  @ApiZodQuery(matchQuerySchema)
  match(@Query() query: unknown) {
    const q = parseOrThrow(matchQuerySchema, query);
    return this.policies.match(
      { urgency: q.urgency, categoryCode: q.categoryCode ?? null, requestType: q.requestType ?? null },
      q.at ? new Date(q.at) : undefined,
    );
  }

  @Get(':version')
  @ApiOperation({ summary: 'One policy version with its rules' })
  get(@Param('version') version: string) {
    return this.policies.get(version);
  }

  @Post()
  @ApiOperation({ summary: 'Add a policy version (rules per urgency class, category, request type)' })
  @ApiZodBody(newPolicySchema, 'A new version; the last rule must match every ticket', {
    heatingWorkdays: { summary: '供热诉求按工作日计时', value: EXAMPLE },
  })
  add(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.policies.add(parseOrThrow(newPolicySchema, body), principal.subject);
  }
}
