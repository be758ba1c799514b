import { Module } from '@nestjs/common';
import { ReferenceModule } from '../reference/reference.module';
import { WhistleController } from './whistle.controller';
import { WhistleRepository } from './whistle.repository';
import { WhistleService } from './whistle.service';

/** 街道吹哨·部门报到 and its 双考核 records (issue 4, item 7). */
@Module({
  imports: [ReferenceModule],
  controllers: [WhistleController],
  providers: [WhistleRepository, WhistleService],
})
export class WhistleModule {}
