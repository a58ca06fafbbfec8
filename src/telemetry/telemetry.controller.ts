import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { EventsPageDto, EventsQueryDto, RollupsQueryDto, StatsQueryDto } from './telemetry-query.dto';
import { TelemetryQueries } from './telemetry-queries';
import { TelemetryStats } from './telemetry-stats.service';
import { ValidationFailedError } from '../platform/errors/app-error';
import { ErrorResponseDto } from '../platform/errors/error-response.dto';
import { RequireScope } from '../platform/auth/auth.decorators';
import { TelemetryProducer } from './telemetry-producer.service';
import { toEnvelope, TelemetryEnvelope } from './telemetry-envelope';
import { MAX_BATCH, TelemetryEventDto } from './telemetry-event.dto';

export class RejectedEventDto {
  @ApiProperty({ example: 1 })
  index!: number;

  @ApiProperty({ example: [{ field: 'type', reason: 'type must be a dotted lower-case name such as mcp.tool.call' }] })
  problems!: { field: string; reason: string }[];
}

export class IngestResultDto {
  @ApiProperty({ example: 2, description: 'Events now on the telemetry stream' })
  accepted!: number;

  @ApiProperty({ example: ['019ab3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b', '019ab3c4-5d6e-7f80-9a1b-2c3d4e5f6a7c'], description: 'Ids of the accepted events, in order' })
  ids!: string[];

  @ApiProperty({ type: [RejectedEventDto] })
  rejected!: RejectedEventDto[];
}

@ApiExtraModels(TelemetryEventDto)
@ApiTags('telemetry')
@Controller('telemetry')
export class TelemetryController {
  constructor(
    private readonly producer: TelemetryProducer,
    private readonly queries: TelemetryQueries,
    private readonly stats: TelemetryStats,
  ) {}

  @Get('events')
  @ApiOperation({ summary: 'Stored events, newest first, filtered by type, source, subject and time; cursor pagination' })
  @ApiOkResponse({ type: EventsPageDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  events(@Query() query: EventsQueryDto): Promise<EventsPageDto> {
    return this.queries.events(query);
  }

  @Get('anomalies')
  @ApiOperation({
    summary: 'Anomalies found in tool-call latency and error rate (per tool and per server), newest first',
    description: 'Method: an EWMA baseline (mean and variance) per key; a call more than 4 standard deviations above it, after 30 calls of warm-up, is an anomaly. Each is also a telemetry.anomaly event on GET /api/events.',
  })
  @ApiOkResponse({ type: EventsPageDto })
  anomalies(@Query() query: EventsQueryDto): Promise<EventsPageDto> {
    return this.queries.events({ ...query, type: 'telemetry.anomaly' });
  }

  @Get('rollups')
  @ApiOperation({
    summary: 'Per-minute rollups: events, errors and p50/p95/p99 duration by type, source, server and tool',
    description: 'An error is an event of severity warn or error, or one whose outcome is not ok (invalid_arguments included), the same definition as the errors of /api/telemetry/stats. The current minute is partial until it ends (recomputed every TELEMETRY_ROLLUP_INTERVAL_MS).',
  })
  @ApiOkResponse({
    schema: { example: [{ minute: '2026-11-25T15:01:00.000Z', type: 'mcp.tool.call', source: 'mcp-hub/019a…', server: 'everything', tool: 'echo', events: 120, errors: 1, p50Ms: 0.4, p95Ms: 1.1, p99Ms: 2.9 }] },
  })
  rollups(@Query() query: RollupsQueryDto) {
    return this.queries.rollups(query);
  }

  @Get('stats')
  @ApiOperation({ summary: 'The pipeline (stream length, pending, consumer lag, dead letters) and the stored events over a window: counts per type, tool-call latency percentiles per tool and per server' })
  @ApiOkResponse({
    schema: {
      example: {
        stream: { length: 1200, pending: 0, lag: 0, deadLetters: 1, consumers: 2 },
        windowSeconds: 3600,
        since: '2026-11-25T14:00:00.000Z',
        events: 5321,
        eventsPerSecond: 1.478,
        byType: [{ type: 'mcp.tool.call', events: 4100, problems: 12 }],
        toolLatency: [{ server: 'everything', tool: 'echo', calls: 4000, errors: 0, p50Ms: 0.41, p95Ms: 1.2, p99Ms: 3.4 }],
        serverLatency: [{ server: 'everything', calls: 4100, errors: 12, p50Ms: 0.42, p95Ms: 1.3, p99Ms: 3.6 }],
      },
    },
  })
  async statistics(@Query() query: StatsQueryDto) {
    const [stream, window] = await Promise.all([this.stats.stream(), this.stats.window(query.windowSeconds ?? 3600)]);
    return { stream, ...window };
  }

  @Post('events')
  @HttpCode(202)
  @RequireScope('mcp')
  @ApiOperation({ summary: `Ingest one event or a batch of up to ${MAX_BATCH}; valid ones are accepted even when others in the batch are not` })
  @ApiBody({ schema: { oneOf: [{ $ref: '#/components/schemas/TelemetryEventDto' }, { type: 'array', items: { $ref: '#/components/schemas/TelemetryEventDto' }, maxItems: MAX_BATCH }] } })
  @ApiAcceptedResponse({ type: IngestResultDto, description: 'Accepted events are on the Redis stream; rejected ones are listed with index, field and reason' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Not an event or a list of events, more than 1,000, or none valid' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Redis is unreachable: nothing was accepted; retry after Retry-After seconds' })
  async ingest(@Body() body: unknown): Promise<IngestResultDto> {
    const events = Array.isArray(body) ? body : [body];
    if (events.length === 0 || events.length > MAX_BATCH) {
      throw new ValidationFailedError([{ field: '(body)', reason: `must hold 1 to ${MAX_BATCH} events; got ${events.length}` }]);
    }
    const accepted: TelemetryEnvelope[] = [];
    const rejected: RejectedEventDto[] = [];
    events.forEach((event, index) => {
      const result = toEnvelope(event);
      if ('envelope' in result) accepted.push(result.envelope);
      else rejected.push({ index, problems: result.problems });
    });
    if (accepted.length === 0) {
      throw new ValidationFailedError(rejected.flatMap((r) => r.problems.map((p) => ({ field: `[${r.index}].${p.field}`, reason: p.reason }))));
    }
    await this.producer.publish(accepted);
    return { accepted: accepted.length, ids: accepted.map((e) => e.id), rejected };
  }
}

export { TelemetryEventDto };
