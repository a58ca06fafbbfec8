import { Module } from '@nestjs/common';
import { TelemetryConsumer } from './telemetry-consumer.service';
import { TelemetryController } from './telemetry.controller';
import { TelemetryProducer } from './telemetry-producer.service';
import { TelemetryStore } from './telemetry-store';
import { TelemetryQueries } from './telemetry-queries';
import { TelemetryStats } from './telemetry-stats.service';
import { TelemetryHealth } from './telemetry-health.service';
import { PartitionMaintenance } from './partition-maintenance.service';
import { HubMetrics } from './hub-metrics';
import { AnomalyService } from './anomaly.service';
import { RollupsService } from './rollups.service';
import { MetricsController } from './metrics.controller';

@Module({
  controllers: [TelemetryController, MetricsController],
  providers: [TelemetryStore, TelemetryProducer, TelemetryConsumer, TelemetryQueries, TelemetryStats, TelemetryHealth, PartitionMaintenance, HubMetrics, AnomalyService, RollupsService],
  exports: [TelemetryProducer],
})
export class TelemetryModule {}
