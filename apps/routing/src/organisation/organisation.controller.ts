import { Body, Controller, Get, Param, Put, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiZodBody,
  ApiZodQuery,
  Clock,
  CurrentPrincipal,
  NotFoundError,
  parseOrThrow,
  type Principal,
  ValidationError,
} from '@jsjb/platform';
import { z } from 'zod';
import { TEAM_ROLES } from './organisation.domain';
import { OrganisationService } from './organisation.service';

const isoTime = z.iso.datetime({ offset: true });
const staffSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    title: z.string().trim().max(100).nullable().default(null),
    phone: z
      .string()
      .regex(/^[0-9+\-() ]{5,30}$/, 'a phone number')
      .nullable()
      .default(null),
    active: z.boolean().default(true),
  })
  .strict();
const teamSchema = z
  .object({
    areaCode: z.string().regex(/^\d{12}(\d{3})?$/, 'a community (12 digits) or grid (15 digits) code'),
    name: z.string().trim().min(1).max(100),
    members: z
      .array(z.object({ staffId: z.string().min(1).max(100), role: z.enum(TEAM_ROLES) }).strict())
      .min(1)
      .max(50)
      .refine((ms) => new Set(ms.map((m) => m.staffId)).size === ms.length, 'a member is listed twice'),
  })
  .strict();
const shiftSchema = z
  .object({ staffId: z.string().min(1).max(100), startsAt: isoTime, endsAt: isoTime })
  .strict()
  .refine((s) => Date.parse(s.endsAt) > Date.parse(s.startsAt), {
    path: ['endsAt'],
    message: 'must be after startsAt',
  });
const rangeSchema = z.object({ from: isoTime.optional(), to: isoTime.optional() }).strict();
const atSchema = z.object({ at: isoTime.optional() }).strict();
const staffIdSchema = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, . _ -');

/** Units' staff accounts, grid teams and duty rosters. An admin manages any unit; unit staff their own. */
@ApiTags('units')
@ApiBearerAuth()
@Controller('units/:unitId')
export class OrganisationController {
  constructor(
    private readonly organisation: OrganisationService,
    private readonly clock: Clock,
  ) {}

  @Put('staff/:staffId')
  @ApiOperation({ summary: 'Create or update a staff account of the unit' })
  @ApiZodBody(staffSchema)
  async saveStaff(
    @CurrentPrincipal() principal: Principal,
    @Param('unitId') unitId: string,
    @Param('staffId') staffId: string,
    @Body() body: unknown,
  ) {
    const unit = this.organisation.manageableUnit(principal, unitId);
    const id = parseOrThrow(staffIdSchema, staffId, 'staffId');
    return this.organisation.saveStaff(unit, { id, ...parseOrThrow(staffSchema, body) });
  }

  @Get('staff')
  @ApiOperation({ summary: 'The unit’s staff accounts' })
  async staff(@CurrentPrincipal() principal: Principal, @Param('unitId') unitId: string) {
    return { items: await this.organisation.staffOf(this.organisation.manageableUnit(principal, unitId)) };
  }

  @Put('teams')
  @ApiOperation({ summary: 'Create or replace the grid team (网格) of a community or grid of the street' })
  @ApiZodBody(teamSchema)
  async saveTeam(
    @CurrentPrincipal() principal: Principal,
    @Param('unitId') unitId: string,
    @Body() body: unknown,
  ) {
    return this.organisation.saveTeam(
      this.organisation.manageableUnit(principal, unitId),
      parseOrThrow(teamSchema, body),
    );
  }

  @Get('teams')
  @ApiOperation({ summary: 'The street’s grid teams and their members' })
  async teams(@CurrentPrincipal() principal: Principal, @Param('unitId') unitId: string) {
    return { items: await this.organisation.teamsOf(this.organisation.manageableUnit(principal, unitId)) };
  }

  @Post('duty-shifts')
  @ApiOperation({ summary: 'Add a duty shift (值班): who is on duty for the unit in [startsAt, endsAt)' })
  @ApiZodBody(shiftSchema)
  async addShift(
    @CurrentPrincipal() principal: Principal,
    @Param('unitId') unitId: string,
    @Body() body: unknown,
  ) {
    const unit = this.organisation.manageableUnit(principal, unitId);
    const shift = parseOrThrow(shiftSchema, body);
    return this.organisation.addShift(unit, {
      staffId: shift.staffId,
      startsAt: new Date(shift.startsAt),
      endsAt: new Date(shift.endsAt),
    });
  }

  @Get('duty-shifts')
  @ApiOperation({ summary: 'The unit’s duty roster between from and to (default: the next 7 days)' })
  @ApiZodQuery(rangeSchema)
  async shifts(
    @CurrentPrincipal() principal: Principal,
    @Param('unitId') unitId: string,
    @Query() query: unknown,
  ) {
    const unit = this.organisation.manageableUnit(principal, unitId);
    const range = parseOrThrow(rangeSchema, query);
    const from = range.from ? new Date(range.from) : this.clock.now();
    const to = range.to ? new Date(range.to) : new Date(from.getTime() + 7 * 86_400_000);
    if (to.getTime() <= from.getTime()) {
      throw new ValidationError([{ field: 'to', code: 'too_small', message: 'must be after from' }]);
    }
    return { items: await this.organisation.shifts(unit, from, to) };
  }

  @Get('on-duty')
  @ApiOperation({ summary: 'Who is on duty for the unit now (or at `at`)' })
  @ApiZodQuery(atSchema)
  async onDuty(
    @CurrentPrincipal() principal: Principal,
    @Param('unitId') unitId: string,
    @Query() query: unknown,
  ) {
    const unit = this.organisation.manageableUnit(principal, unitId);
    const { at } = parseOrThrow(atSchema, query);
    const staff = await this.organisation.onDuty(unit, at ? new Date(at) : this.clock.now());
    if (!staff) throw new NotFoundError('DUTY.NOBODY_ON_DUTY', `Nobody is on duty for ${unitId} then.`);
    return staff;
  }
}
