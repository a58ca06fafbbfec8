import { INestApplicationContext, Logger } from '@nestjs/common';
import { ShutdownCoordinator } from '../shutdown/shutdown-coordinator';

/**
 * SIGTERM/SIGINT run the ordered shutdown, then close Nest (whose own hooks find everything
 * closed already) and exit 0, or 1 when a phase failed or overran. A second signal exits at once.
 */
export function runUntilSignal(app: INestApplicationContext): void {
  const logger = new Logger('Process');
  const coordinator = app.get(ShutdownCoordinator);
  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) {
      logger.error(`Received ${reason} again during shutdown; exiting now`);
      process.exit(1);
    }
    stopping = true;
    logger.log(`Received ${reason}; shutting down`);
    void coordinator
      .shutdown(reason)
      .then(async (report) => {
        await app.close().catch((error: Error) => logger.error(`Closing the application failed: ${error.message}`));
        process.exit(report.ok ? 0 : 1);
      })
      .catch((error: Error) => {
        logger.error(`Shutdown crashed: ${error.stack ?? error.message}`);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('uncaughtException', (error) => {
    logger.fatal(`Uncaught exception: ${error.stack ?? error.message}`);
    stop('uncaughtException');
  });
}
