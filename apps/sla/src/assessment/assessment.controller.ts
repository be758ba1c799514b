import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiZodBody, ApiZodQuery, CurrentPrincipal, parseOrThrow, type Principal } from '@jsjb/platform';
import { UNIT_CLASSES } from '../units/units.domain';
import { monthPeriod } from './assessment.domain';
import {
  exclusionSchema,
  hotspotsQuerySchema,
  periodOf,
  rankingsQuerySchema,
  ratesQuerySchema,
  trendsQuerySchema,
  weightSetSchema,
  whistlesQuerySchema,
} from './assessment.dto';
import { EXCLUSION_EXAMPLES, WEIGHT_SET_EXAMPLES } from './assessment.examples';
import { AssessmentFigures } from './assessment-figures.service';

/** 考评 for managers (管理者): 三率, composite, rankings, trends, hot spots, 双考核; rulings and weights. */
@ApiTags('assessment')
@ApiBearerAuth()
@Controller('assessment')
export class AssessmentController {
  constructor(private readonly figures: AssessmentFigures) {}

  @Get('rates')
  @ApiOperation({
    summary:
      '响应率, 解决率, 满意率 and composite of every unit of a class for a month or a range of days, with its rank in the class',
  })
  @ApiZodQuery(ratesQuerySchema)
  async rates(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    const q = parseOrThrow(ratesQuerySchema, query);
    const period = periodOf(q);
    const [figures] = await this.figures.classFigures(principal, period, [q.unitClass]);
    return { period, ...figures };
  }

  @Get('rankings')
  @ApiOperation({
    summary:
      'Monthly ranking (排名) within each unit class by composite: equal scores share a rank, units with no orders are listed unranked',
  })
  @ApiZodQuery(rankingsQuerySchema)
  async rankings(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    const q = parseOrThrow(rankingsQuerySchema, query);
    const period = monthPeriod(q.month);
    const classes = await this.figures.classFigures(
      principal,
      period,
      q.unitClass ? [q.unitClass] : UNIT_CLASSES,
    );
    return { period, classes };
  }

  @Get('trends')
  @ApiOperation({ summary: 'A unit’s or a unit class’s counters and rates per month or per day (趋势)' })
  @ApiZodQuery(trendsQuerySchema)
  trends(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    const q = parseOrThrow(trendsQuerySchema, query);
    const target = q.unitId !== undefined ? { unitId: q.unitId } : { unitClass: q.unitClass ?? 'street' };
    return this.figures.trend(principal, target, periodOf(q), q.granularity);
  }

  @Get('hotspots')
  @ApiOperation({
    summary:
      '高频问题 for 主动治理/每月一题: the top categories × areas (district or street) of a period, with growth from the period before',
  })
  @ApiZodQuery(hotspotsQuerySchema)
  hotspots(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    const q = parseOrThrow(hotspotsQuerySchema, query);
    return this.figures.hotspots(principal, periodOf(q), q);
  }

  @Get('whistles')
  @ApiOperation({
    summary:
      '吹哨报到 双考核: per summoned unit 报到 on time, late, absent; per street whistles blown, closed and resolved',
  })
  @ApiZodQuery(whistlesQuerySchema)
  whistles(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    return this.figures.whistles(principal, periodOf(parseOrThrow(whistlesQuerySchema, query)));
  }

  @Post('exclusions')
  @ApiOperation({
    summary:
      'Rule a ticket malicious (恶意) or unreasonable (不合理): every order of it leaves the assessment and the counters are corrected',
  })
  @ApiZodBody(exclusionSchema, 'The ruling', EXCLUSION_EXAMPLES)
  exclude(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.figures.rule(principal, parseOrThrow(exclusionSchema, body));
  }

  @Get('weight-sets')
  @ApiOperation({
    summary: 'Every version of the composite’s weights per unit class, with the month it applies from',
  })
  weightSets() {
    return this.figures.weightSetVersions();
  }

  @Post('weight-sets')
  @ApiOperation({
    summary:
      'Add a weight-set version for some unit classes from a month on (no recompute needed: weights apply when figures are read)',
  })
  @ApiZodBody(weightSetSchema, 'The new weights (percent, adding up to 100 per class)', WEIGHT_SET_EXAMPLES)
  addWeightSet(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.figures.addWeightSet(principal, parseOrThrow(weightSetSchema, body));
  }
}
