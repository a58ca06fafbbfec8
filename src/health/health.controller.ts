import { Controller, Get, HttpStatus, Query, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiQuery, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthContributions } from '../platform/stores/dependency-probe';
import { ValidationFailedError } from '../platform/errors/app-error';
import { ForbiddenError } from '../platform/auth/auth.errors';
import { AppConfig } from '../platform/config/app-config';
import type { Response } from 'express';
import { ShutdownCoordinator } from '../platform/shutdown/shutdown-coordinator';
import { HUB_VERSION } from '../platform/version';
import { DependencyHealthService } from './dependency-health.service';
import { Public } from '../platform/auth/auth.decorators';
import { DependencyHealthDto, HealthReportDto, LivenessDto, ReadinessDto } from './health-response.dto';

@ApiExtraModels(DependencyHealthDto)
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly dependencies: DependencyHealthService,
    private readonly shutdown: ShutdownCoordinator,
    private readonly contributions: HealthContributions,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Every dependency: up, down or disabled, with latency and version' })
  @ApiOkResponse({ type: HealthReportDto, description: 'Required dependencies are up (status ok, or degraded when an optional one is down)' })
  @ApiServiceUnavailableResponse({ type: HealthReportDto, description: 'A required dependency is down, or the hub is shutting down' })
  @ApiQuery({ name: 'format', required: false, enum: ['mcp-hub'], description: 'mcp-hub: answer with mcp-hub 4.2.1\'s health body (state, servers, connections, workspaces), always 200 while the hub runs' })
  async health(@Res({ passthrough: true }) res: Response, @Query('format') format?: string): Promise<HealthReportDto | Record<string, unknown>> {
    const dialects = this.contributions.allDialects();
    if (format !== undefined) {
      const dialect = dialects.find((d) => d.format === format);
      if (!dialect) throw new ValidationFailedError([{ field: 'format', reason: `must be one of ${dialects.map((d) => d.format).join(', ') || '(none)'}` }]);
      // this route needs no key; a body that names servers and workspaces must not be public where keys are required
      if (this.config.auth.mode === 'api-key') throw new ForbiddenError('FORMAT_NEEDS_AUTH_MODE_NONE', `With AUTH_MODE=api-key the ${format} health body is not served (it lists servers and workspaces without a key); use GET /api/servers with a key`);
      return dialect.render(false);
    }
    const compat = Object.fromEntries(await Promise.all(dialects.map(async (d) => [d.key, await d.render(true)] as const)));
    const details = { ...(await this.dependencies.check()), ...(await this.dependencies.features()) };
    const values = Object.values(details);
    const requiredDown = values.some((d) => d.required && d.status === 'down');
    const optionalDown = values.some((d) => !d.required && d.status === 'down');
    const status = this.shutdown.isShuttingDown ? 'shutting_down' : requiredDown ? 'error' : optionalDown ? 'degraded' : 'ok';
    if (status === 'error' || status === 'shutting_down') res.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status, details, version: HUB_VERSION, uptimeSeconds: Math.round(process.uptime() * 10) / 10, ...compat };
  }

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers; never checks a dependency' })
  @ApiOkResponse({ type: LivenessDto })
  live(): LivenessDto {
    return { status: 'ok', pid: process.pid, uptimeSeconds: Math.round(process.uptime() * 10) / 10, rssBytes: process.memoryUsage.rss() };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: PostgreSQL and Redis answer; 503 from the moment shutdown begins' })
  @ApiOkResponse({ type: ReadinessDto })
  @ApiServiceUnavailableResponse({ type: ReadinessDto, description: 'A required dependency is down, or the hub is draining', example: { status: 'shutting_down', details: {} } })
  async ready(@Res({ passthrough: true }) res: Response): Promise<ReadinessDto> {
    if (this.shutdown.isShuttingDown) {
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'shutting_down', details: {} };
    }
    const details = await this.dependencies.check((probe) => probe.required);
    const ok = Object.values(details).every((d) => d.status === 'up');
    if (!ok) res.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ok' : 'error', details };
  }
}
