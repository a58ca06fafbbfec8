import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../../platform/config/app-config';
import { ClientPresence } from './client-presence';

const MIN_CHECK_MS = 250;
/** Before the first client: at least this long, so the editor that started the hub has time to connect. */
export const FIRST_CLIENT_GRACE_MS = 30_000;
const MAX_CHECK_MS = 5_000;

/**
 * `--auto-shutdown` (MCP_HUB_AUTO_SHUTDOWN_MS): once no client has been connected for the delay, the
 * hub stops through its ordinary ordered shutdown (as on SIGTERM) and exits 0. Editor plugins start
 * a hub per workspace and rely on it going away when the last editor closes.
 */
@Injectable()
export class AutoShutdownService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AutoShutdown');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly presence: ClientPresence,
  ) {}

  onApplicationBootstrap(): void {
    const delayMs = this.config.mcp.autoShutdownMs;
    if (delayMs <= 0) return;
    this.logger.log(`The hub stops once no client has been connected for ${delayMs} ms (${FIRST_CLIENT_GRACE_MS} ms at least before the first one)`);
    this.presence.restartIdleClock();
    const every = Math.min(MAX_CHECK_MS, Math.max(MIN_CHECK_MS, Math.floor(delayMs / 4)));
    // per process on purpose: each replica stops itself when its own clients are gone
    this.timer = setInterval(() => {
      const needed = this.presence.hadClient ? delayMs : Math.max(delayMs, FIRST_CLIENT_GRACE_MS);
      if (this.presence.idleMs() < needed) return;
      clearInterval(this.timer);
      this.logger.log(`No client for ${needed} ms: stopping`);
      process.kill(process.pid, 'SIGTERM');
    }, every);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
