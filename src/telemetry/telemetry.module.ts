import { Module } from '@nestjs/common';
import { TelemetryConsumer } from './telemetry-consumer.service';
import { TelemetryController } from './telemetry.controller';
import { TelemetryProducer } from './telemetry-producer.service';
import { TelemetryStore } from './telemetry-store';

@Module({
  controllers: [TelemetryController],
  providers: [TelemetryStore, TelemetryProducer, TelemetryConsumer],
  exports: [TelemetryProducer],
})
export class TelemetryModule {}
