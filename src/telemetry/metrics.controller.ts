import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { HubMetrics } from './hub-metrics';

@ApiTags('telemetry')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: HubMetrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: "The hub's own metrics in Prometheus text format (served at /metrics, outside /api)" })
  @ApiProduces('text/plain')
  @ApiOkResponse({ schema: { type: 'string', example: '# HELP mcp_hub_events_total Events published on the hub event bus, by type\n# TYPE mcp_hub_events_total counter\nmcp_hub_events_total{type="mcp.tool.call"} 42\n' } })
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
