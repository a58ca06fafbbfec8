import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { WorkerModule } from './worker.module';
import { loadConfigOrExit, preflightOrExit } from './platform/boot/load-config-or-exit';
import { runUntilSignal } from './platform/boot/run-until-signal';
import { HubInstanceService } from './platform/instance/hub-instance.service';

/**
 * How far V8 lets the heap grow past what the last full collection kept: 20% rather than its default
 * of up to 4x. A batch job turns every chunk into short-lived strings and rows; with the default the
 * heap kept growing for the first few hundred thousand rows (a 1M-row job peaked 150 MB above a
 * 100k-row one), with 20% the peak stays flat and full collections of a ~40 MB live heap stay cheap.
 */
const HEAP_GROWING_PERCENT = 20;

async function bootstrap(): Promise<void> {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  const { config, services } = await preflightOrExit(loadConfigOrExit());
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, services), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  await app.init();
  runUntilSignal(app);
  new NestLogger('Worker').log(`Worker ${app.get(HubInstanceService).id} ready`);
}

void bootstrap().catch((error: Error) => {
  process.stderr.write(`MCP Hub worker failed to start: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
