import { LoggerService } from '@nestjs/common';
import { PhaseReport, SHUTDOWN_PHASES, ShutdownParticipant, ShutdownPhase, ShutdownReport } from './shutdown-phase';

export interface ShutdownTimeouts {
  defaultMs: number;
  perPhaseMs?: Partial<Record<ShutdownPhase, number>>;
}

/**
 * Owns the order of shutdown, independent of Nest's module order: participants register
 * `{phase, name, close}` and `shutdown()` runs the phases strictly in sequence, each under a
 * timeout. A phase that fails or overruns is logged by name and the next phase still runs.
 */
export class ShutdownCoordinator {
  private readonly participants: ShutdownParticipant[] = [];
  private readonly startListeners: (() => void)[] = [];
  private running?: Promise<ShutdownReport>;

  constructor(
    private readonly timeouts: ShutdownTimeouts,
    private readonly logger: LoggerService,
  ) {}

  get isShuttingDown(): boolean {
    return this.running !== undefined;
  }

  /** Adds a participant; returns a function that removes it again (for resources closed early). */
  register(participant: ShutdownParticipant): () => void {
    this.participants.push(participant);
    return () => {
      const index = this.participants.indexOf(participant);
      if (index >= 0) this.participants.splice(index, 1);
    };
  }

  /** Called synchronously the moment shutdown begins (e.g. readiness turns 503). */
  onShutdownStart(listener: () => void): void {
    this.startListeners.push(listener);
  }

  /** Runs every phase once; later calls return the same report. */
  shutdown(reason: string): Promise<ShutdownReport> {
    this.running ??= this.run(reason);
    return this.running;
  }

  private async run(reason: string): Promise<ShutdownReport> {
    this.logger.log(`Shutdown started (${reason}); phases: ${SHUTDOWN_PHASES.join(' → ')}`, 'Shutdown');
    for (const listener of this.startListeners) listener();
    const phases: PhaseReport[] = [];
    for (const phase of SHUTDOWN_PHASES) phases.push(await this.runPhase(phase));
    const ok = phases.every((p) => p.outcome === 'ok');
    const summary = phases.map((p) => `${p.phase}=${p.outcome}`).join(' ');
    if (ok) this.logger.log(`Shutdown complete: ${summary}`, 'Shutdown');
    else this.logger.error(`Shutdown finished with problems: ${summary}`, undefined, 'Shutdown');
    return { reason, ok, phases };
  }

  private async runPhase(phase: ShutdownPhase): Promise<PhaseReport> {
    const members = this.participants.filter((p) => p.phase === phase);
    const timeoutMs = this.timeouts.perPhaseMs?.[phase] ?? this.timeouts.defaultMs;
    const names = members.map((m) => m.name);
    const started = Date.now();
    this.logger.log(`Shutdown phase ${phase} started: ${names.length ? names.join(', ') : 'nothing to close'}`, 'Shutdown');

    const failures: PhaseReport['failures'] = [];
    const stillRunning: string[] = [];
    for (const group of [members.filter((m) => !m.last), members.filter((m) => m.last)]) {
      if (group.length > 0) stillRunning.push(...(await this.closeGroup(phase, group, timeoutMs, failures)));
    }
    const durationMs = Date.now() - started;

    if (stillRunning.length > 0) {
      for (const name of stillRunning) failures.push({ name, error: `still running after ${timeoutMs} ms` });
      this.logger.error(`Shutdown phase ${phase} timed out after ${timeoutMs} ms; still running: ${stillRunning.join(', ')}`, undefined, 'Shutdown');
      return { phase, outcome: 'timeout', durationMs, participants: names, failures };
    }
    const outcome = failures.length > 0 ? 'failed' : 'ok';
    this.logger.log(`Shutdown phase ${phase} finished in ${durationMs} ms (${outcome})`, 'Shutdown');
    return { phase, outcome, durationMs, participants: names, failures };
  }

  /** Closes `group` together under one timeout; records failures; returns the names still running when it expired. */
  private async closeGroup(phase: ShutdownPhase, group: ShutdownParticipant[], timeoutMs: number, failures: PhaseReport['failures']): Promise<string[]> {
    const pending = new Set(group.map((m) => m.name));
    const work = Promise.all(
      group.map(async (member) => {
        try {
          await member.close();
        } catch (error) {
          failures.push({ name: member.name, error: error instanceof Error ? error.message : String(error) });
          this.logger.error(`Shutdown phase ${phase}: ${member.name} failed: ${String(error)}`, undefined, 'Shutdown');
        } finally {
          pending.delete(member.name);
        }
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      work.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
    ]);
    clearTimeout(timer);
    return timedOut ? [...pending] : [];
  }
}
