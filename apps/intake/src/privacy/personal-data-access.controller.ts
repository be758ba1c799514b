import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiZodQuery, parseOrThrow } from '@jsjb/platform';
import { accessQuerySchema } from './personal-data-access.dto';
import { PersonalDataAccessService } from './personal-data-access.service';

/** 个人信息查阅记录 — the access log of callers' personal data, for oversight. */
@ApiTags('privacy')
@ApiBearerAuth()
@Controller('personal-data-access')
export class PersonalDataAccessController {
  constructor(private readonly access: PersonalDataAccessService) {}

  @Get()
  @ApiOperation({
    summary: '个人信息查阅记录 — who read which caller’s personal data, when, why and through which route',
    description:
      'Newest first; filter by ticket, reader (token subject) and time; page with `limit` and the `nextCursor` of the previous page. The log is append-only.',
  })
  @ApiZodQuery(accessQuerySchema)
  list(@Query() query: unknown) {
    return this.access.list(parseOrThrow(accessQuerySchema, query));
  }
}
