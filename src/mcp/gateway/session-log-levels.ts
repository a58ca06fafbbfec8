import { Injectable } from '@nestjs/common';
import type { LoggingLevel } from '@modelcontextprotocol/sdk/types.js';

const SEVERITY: Record<LoggingLevel, number> = { debug: 0, info: 1, notice: 2, warning: 3, error: 4, critical: 5, alert: 6, emergency: 7 };

/** The level each client session set with logging/setLevel; log messages below it are not sent to it. */
@Injectable()
export class SessionLogLevels {
  private readonly levels = new Map<string, LoggingLevel>();

  set(sessionId: string, level: LoggingLevel): void {
    this.levels.set(sessionId, level);
  }

  get(sessionId: string): LoggingLevel | undefined {
    return this.levels.get(sessionId);
  }

  /** Whether a message of `level` reaches the session; one that never set a level gets everything. */
  allows(sessionId: string, level: unknown): boolean {
    const floor = this.levels.get(sessionId);
    if (!floor) return true;
    const severity = SEVERITY[level as LoggingLevel];
    return severity === undefined || severity >= SEVERITY[floor];
  }

  forget(sessionId: string): void {
    this.levels.delete(sessionId);
  }
}
