import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { AppConfig } from '../config/app-config';
import { ShutdownCoordinator } from './shutdown-coordinator';
import { ShuttingDownError } from '../errors/app-error';
import { toErrorResponse, writeErrorResponse } from '../errors/app-exception.filter';
import { requestIdOf } from '../logging/logging.module';

/** Paths that keep answering while the hub drains, so probes can watch readiness turn 503. */
const PROBE_PATH = /^\/api\/health(\/|\?|$)/;

/**
 * The `ingress` participant: once shutdown begins, new requests (but health probes) get 503 with
 * Retry-After, requests already running finish, then the HTTP server stops listening.
 */
@Injectable()
export class HttpDrain {
  private readonly logger = new Logger('HttpDrain');
  private readonly retryAfter: string;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private server?: Server;

  constructor(
    private readonly coordinator: ShutdownCoordinator,
    config: AppConfig,
  ) {
    // by then this instance is gone or another one has taken its place
    this.retryAfter = String(Math.max(1, Math.ceil(config.shutdown.drainTimeoutMs / 1000)));
    coordinator.register({ phase: 'ingress', name: 'http-server', close: () => this.drain() });
  }

  attach(server: Server): void {
    this.server = server;
  }

  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (this.admit(req, res)) next();
  };

  /**
   * Counts the request as in flight until its response finishes or closes; once shutdown has begun it
   * answers 503 instead (health probes excepted) and returns false.
   */
  admit(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.coordinator.isShuttingDown && !PROBE_PATH.test(req.url ?? '')) {
      res.setHeader('Connection', 'close');
      res.setHeader('Retry-After', this.retryAfter);
      writeErrorResponse(res, toErrorResponse(new ShuttingDownError(), requestIdOf(req, res)));
      return false;
    }
    this.inFlight++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.inFlight--;
      if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
    };
    res.once('finish', finish);
    res.once('close', finish);
    return true;
  }

  private async drain(): Promise<void> {
    if (this.inFlight > 0) {
      this.logger.log(`Waiting for ${this.inFlight} in-flight request(s) to finish`);
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    if (!this.server?.listening) return;
    await new Promise<void>((resolve) => {
      this.server!.close(() => resolve());
      this.server!.closeIdleConnections();
      // keep-alive sockets of clients that never send another request must not hold the phase open
      setTimeout(() => {
        this.server!.closeAllConnections();
        resolve();
      }, 1000).unref();
    });
    this.logger.log('HTTP server closed');
  }
}
