import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { WorkerModule } from './worker.module';
import { loadConfigOrExit, preflightOrExit } from './platform/boot/load-config-or-exit';
import { runUntilSignal } from './platform/boot/run-until-signal';
import { HubInstanceService } from './platform/instance/hub-instance.service';

async function bootstrap(): Promise<void> {
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
