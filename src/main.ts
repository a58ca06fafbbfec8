import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { loadConfigOrExit, preflightOrExit } from './platform/boot/load-config-or-exit';
import { runUntilSignal } from './platform/boot/run-until-signal';
import { applyServeFlags } from './platform/boot/serve-flags';
import { configureHttpApp } from './platform/http/configure-http-app';
import { HttpDrain } from './platform/shutdown/http-drain';
import { McpIngress } from './mcp/gateway/mcp-ingress';
import { mcpOpenApiPaths } from './mcp/gateway/mcp-openapi';
import { PredictIngress } from './ml/inference/predict-ingress';

/** Starts the hub with the configuration of `process.env` (serve flags already applied to it). */
export async function bootstrap(): Promise<void> {
  const started = performance.now();
  const { config, services } = await preflightOrExit(loadConfigOrExit());
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, services), { bufferLogs: true, bodyParser: false });
  configureHttpApp(app, mcpOpenApiPaths());
  app.get(McpIngress).attach(app.getHttpServer());
  app.get(PredictIngress).attach(app.getHttpServer());
  await app.listen(config.http.port, config.http.host);
  app.get(HttpDrain).attach(app.getHttpServer());
  runUntilSignal(app);
  const base = `http://${config.http.host}:${config.http.port}`;
  new Logger('Hub').log(`MCP Hub ready in ${Math.round(performance.now() - started)} ms: REST ${base}/api, Swagger ${base}/api-docs`);
}

/** Starts the hub, exiting 1 with the reason when it cannot. */
export function serve(): void {
  void bootstrap().catch((error: Error) => {
    process.stderr.write(`MCP Hub failed to start: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}

if (require.main === module) {
  // `npm start -- --port 4000 --config servers.json` reaches here with the flags
  applyServeFlags(process.argv.slice(2));
  serve();
}
