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

export class ServingWorkerDto {
  @ApiProperty({ example: 0 }) slot!: number;
  @ApiProperty({ example: 48211, nullable: true }) pid!: number | null;
  @ApiProperty({ enum: ['starting', 'loading', 'ready', 'restarting', 'stopped'], example: 'ready', description: 'loading: a restarted process loads what its predecessor held before it takes requests' }) state!: string;
  @ApiProperty({ example: 1, description: 'Requests sent to the process and not answered yet' }) inFlight!: number;
  @ApiProperty({ example: 0, description: 'Times the process was restarted after it died' }) restarts!: number;
  @ApiProperty({ type: [String], example: ['9f2c4e1ab0d35c7e8f6a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6'], description: 'SHA-256 of the model files it holds loaded' }) loaded!: string[];
  @ApiPropertyOptional({ example: 'SIGKILL at 2026-11-30T14:02:11.204Z' }) lastExit?: string;
}

export class ServingPoolDto {
  @ApiProperty({ example: '/usr/bin/python3', nullable: true, description: 'null until the first Python model is served' }) interpreter!: string | null;
  @ApiProperty({ example: 0, description: 'Predictions waiting for a worker (at most SERVING_QUEUE_MAX)' }) queued!: number;
  @ApiProperty({ type: [ServingWorkerDto] }) workers!: ServingWorkerDto[];
}

export class ServingRouteDto {
  @ApiProperty({ example: 'iris-classifier' }) model!: string;
  @ApiProperty({ example: 'Production' }) ref!: string;
  @ApiProperty({ example: 3 }) version!: number;
  @ApiProperty({ enum: ['node', 'sklearn', 'torch'], example: 'sklearn' }) runtime!: string;
}

export class ServingSamplesDto {
  @ApiProperty({ example: 412, description: 'Prediction rows sampled and stored since start' }) stored!: number;
  @ApiProperty({ example: 0, description: 'Samples dropped (buffer full or the database refused them)' }) dropped!: number;
}

export class ServingHealthDto {
  @ApiProperty({ type: ServingPoolDto }) python!: ServingPoolDto;
  @ApiProperty({ type: [String], example: ['3b8d0c6a1f5e4d2c9b7a8e6f5d4c3b2a1908f7e6d5c4b3a2918f7e6d5c4b3a29'], description: 'SHA-256 of the Node models loaded in-process' }) nodeModels!: string[];
  @ApiProperty({ type: [ServingRouteDto], description: 'Models being served and the version answering each ref' }) routes!: ServingRouteDto[];
  @ApiProperty({ type: ServingSamplesDto }) samples!: ServingSamplesDto;
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
  @ApiProperty({ type: ServingHealthDto, description: 'Online predictions: the Python serving pool, the Node models in-process, the versions being served' }) serving!: ServingHealthDto;
}
