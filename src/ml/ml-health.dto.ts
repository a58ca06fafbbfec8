import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class TrainingQueueDepthDto {
  @ApiProperty({ example: 'training' }) name!: string;
  @ApiProperty({ enum: ['up', 'down'], example: 'up', description: 'down: Redis did not answer; the counts are then absent' }) status!: 'up' | 'down';
  @ApiPropertyOptional({ example: 2, description: 'Queued, not yet picked up by a worker' }) waiting?: number;
  @ApiPropertyOptional({ example: 1, description: 'Running on a worker now' }) active?: number;
  @ApiPropertyOptional({ example: 0, description: 'Waiting for a retry after an infrastructure error' }) delayed?: number;
  @ApiPropertyOptional({ example: 3, description: 'Failed and kept for 30 days' }) failed?: number;
  @ApiPropertyOptional({ example: 'Redis did not answer within 2000 ms' }) error?: string;
}

export class TrainingWorkerDto {
  @ApiProperty({ example: '127.0.0.1:51544', description: "The worker's Redis client address" }) addr!: string;
  @ApiProperty({ example: 3605, description: 'Seconds since the worker connected' }) ageSeconds!: number;
  @ApiProperty({ example: 1, description: 'Seconds since its last command' }) idleSeconds!: number;
}

export class TrainingWorkersDto {
  @ApiProperty({ example: 1, description: 'Workers of queue training connected to Redis now, on any instance' }) live!: number;
  @ApiProperty({ example: true, description: 'Whether this instance runs a worker (role worker, or TRAINING_WORKER_ENABLED=true)' }) thisInstance!: boolean;
  @ApiProperty({ example: 2, description: 'TRAINING_CONCURRENCY: jobs one worker runs at once' }) concurrency!: number;
  @ApiProperty({ type: [TrainingWorkerDto] }) connections!: TrainingWorkerDto[];
}

export class AdapterHealthDto {
  @ApiProperty({ enum: ['sklearn', 'torch', 'node'], example: 'sklearn' }) name!: string;
  @ApiProperty({ example: 'Python 3 with numpy, pandas and scikit-learn' }) runtime!: string;
  @ApiProperty({ example: true, description: 'The runtime is installed where this instance runs' }) available!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { python: '3.11.2', numpy: '1.24.2', pandas: '1.5.3', sklearn: '1.2.1' } }) versions!: Record<string, string>;
  @ApiProperty({ type: [String], example: [], description: 'Modules or files that are missing' }) missing!: string[];
  @ApiPropertyOptional({ example: 'install them for python3 (Python 3.11.2): apt-get install python3-torch (Debian/Ubuntu), or pip install torch; or point PYTHON_BIN at an interpreter that has them' }) hint?: string;
}

export class MlHealthDto {
  @ApiProperty({
    enum: ['ok', 'degraded', 'down'],
    example: 'ok',
    description: 'down: the training queue is unreachable; degraded: no live worker, or an adapter runtime is missing',
  })
  status!: 'ok' | 'degraded' | 'down';

  @ApiProperty({ type: TrainingQueueDepthDto }) queue!: TrainingQueueDepthDto;
  @ApiProperty({ type: TrainingWorkersDto }) workers!: TrainingWorkersDto;
  @ApiProperty({ type: [AdapterHealthDto] }) adapters!: AdapterHealthDto[];
}
