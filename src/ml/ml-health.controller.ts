import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { MlHealthDto } from './ml-health.dto';
import { MlHealthService } from './ml-health.service';

@ApiTags('ml')
@Controller('ml/health')
export class MlHealthController {
  constructor(private readonly health: MlHealthService) {}

  @Get()
  @ApiOperation({ summary: 'ML pipeline health: training queue depth (waiting, active, delayed, failed), live workers, adapters and their runtimes, and the serving pool (workers, loaded models)' })
  @ApiOkResponse({ type: MlHealthDto, description: 'The queue answers (status ok, or degraded when no worker is live or an adapter runtime is missing)' })
  @ApiServiceUnavailableResponse({
    type: MlHealthDto,
    description: 'The training queue (Redis) does not answer',
    example: {
      status: 'down',
      queue: { name: 'training', status: 'down', error: 'Redis did not answer within 2000 ms' },
      workers: { live: 0, thisInstance: true, concurrency: 2, connections: [] },
      adapters: [{ name: 'node', runtime: 'Node.js (mljs packages, nothing else)', available: true, versions: { node: '24.11.1' }, missing: [] }],
      serving: { python: { interpreter: null, queued: 0, workers: [] }, nodeModels: [], routes: [], samples: { stored: 0, dropped: 0 } },
    },
  })
  async report(@Res({ passthrough: true }) res: Response): Promise<MlHealthDto> {
    const report = await this.health.report();
    if (report.status === 'down') res.status(HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}
