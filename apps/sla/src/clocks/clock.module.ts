import { Module } from '@nestjs/common';
import { CallbackModule } from '../callbacks/callback.module';
import { ClockController } from './clock.controller';
import { ClockRepository } from './clock.repository';
import { ClockService } from './clock.service';
import { TimerService } from './timer.service';

@Module({
  imports: [CallbackModule],
  controllers: [ClockController],
  providers: [ClockRepository, ClockService, TimerService],
  exports: [ClockService, TimerService],
})
export class ClockModule {}
