import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ErrorResponseDto } from '../platform/errors/error-response.dto';
import { DatabaseSleepDto, DatabaseSleepResultDto } from './database-sleep.dto';
import { EventBurstDto, EventBurstResultDto } from './event-burst.dto';
import { EventBus } from '../platform/events/event-bus';

/** Operator tools, mounted only with DEBUG_ROUTES_ENABLED=true. */
@ApiTags('debug')
@Controller('debug')
export class DebugController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly bus: EventBus,
  ) {}

  @Post('event-burst')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Publish a burst of events on the in-process bus',
    description: 'Checks the telemetry buffer: send SIGTERM right after; every event must reach PostgreSQL once a consumer runs again.',
  })
  @ApiOkResponse({ type: EventBurstResultDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  burst(@Body() body: EventBurstDto): EventBurstResultDto {
    for (let n = 0; n < body.count; n++) this.bus.publish(body.type, { n }, `burst/${n}`);
    return { published: body.count };
  }

  @Post('database-sleep')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Hold a PostgreSQL connection busy (pg_sleep) for a while',
    description: 'Checks graceful shutdown: send SIGTERM while this runs; the request must still complete before the pool closes.',
  })
  @ApiOkResponse({ type: DatabaseSleepResultDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  async sleep(@Body() body: DatabaseSleepDto): Promise<DatabaseSleepResultDto> {
    const rows: { pid: number }[] = await this.dataSource.query('SELECT pg_backend_pid() AS pid, pg_sleep($1)', [body.seconds]);
    return { sleptSeconds: body.seconds, backendPid: rows[0].pid };
  }
}
