import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ShutdownCoordinator } from '../shutdown/shutdown-coordinator';
import { EMBEDDED_LABELS } from './embedded-server';
import { EmbeddedServices } from './embedded-services';

/**
 * Logs which servers the hub uses, and leaves them once their clients are closed (Redis last in
 * `connections`, PostgreSQL last in `database`): the last hub process to leave a server stops it.
 */
@Injectable()
export class EmbeddedServicesShutdown {
  constructor(services: EmbeddedServices, coordinator: ShutdownCoordinator, config: AppConfig) {
    const logger = new Logger('EmbeddedServices');
    for (const note of services.notes) logger.log(note);
    // leave time inside the phase for the kill that follows an overrun
    const stopTimeoutMs = Math.max(100, Math.floor(config.shutdown.phaseTimeoutMs * 0.8));
    for (const server of services.all) {
      logger.log(server.describe());
      coordinator.register({
        phase: server.kind === 'postgres' ? 'database' : 'connections',
        name: `embedded-${server.kind}`,
        last: true,
        close: async () => {
          const outcome = await server.stop(stopTimeoutMs);
          const users = server.remainingUsers;
          const line = `embedded ${EMBEDDED_LABELS[server.kind]} (pid ${server.pid}) ${outcome}${users.length > 0 ? ` for hub process${users.length === 1 ? '' : 'es'} ${users.join(', ')}, the last to exit stops it` : ''}`;
          if (outcome === 'killed') logger.warn(`${line}: it did not stop within ${stopTimeoutMs} ms`);
          else logger.log(line);
        },
      });
    }
  }
}
