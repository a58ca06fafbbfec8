import { LoggerService } from '@nestjs/common';
import { ShutdownCoordinator } from './shutdown-coordinator';
import { SHUTDOWN_PHASES } from './shutdown-phase';

class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: string) {
    this.lines.push(`log ${message}`);
  }
  error(message: string) {
    this.lines.push(`error ${message}`);
  }
  warn(message: string) {
    this.lines.push(`warn ${message}`);
  }
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ShutdownCoordinator', () => {
  it('runs phases in order whatever the registration order, and participants of one phase together', async () => {
    const logger = new RecordingLogger();
    const coordinator = new ShutdownCoordinator({ defaultMs: 1000 }, logger);
    const closed: string[] = [];
    for (const phase of [...SHUTDOWN_PHASES].reverse()) {
      coordinator.register({ phase, name: `${phase}-a`, close: async () => { await wait(5); closed.push(`${phase}-a`); } });
    }
    coordinator.register({ phase: 'workers', name: 'workers-b', close: () => { closed.push('workers-b'); } });

    const report = await coordinator.shutdown('test');

    expect(report.ok).toBe(true);
    expect(report.phases.map((p) => p.phase)).toEqual([...SHUTDOWN_PHASES]);
    expect(closed).toEqual(['ingress-a', 'producers-a', 'workers-b', 'workers-a', 'flush-a', 'connections-a', 'database-a']);
    const started = logger.lines.filter((l) => l.includes('started:')).map((l) => l.split(' ')[3]);
    expect(started).toEqual([...SHUTDOWN_PHASES]);
  });

  it('logs an overrunning phase by name, still runs later phases, and reports failure', async () => {
    const logger = new RecordingLogger();
    const coordinator = new ShutdownCoordinator({ defaultMs: 1000, perPhaseMs: { flush: 20 } }, logger);
    const closed: string[] = [];
    coordinator.register({ phase: 'flush', name: 'stuck-buffer', close: () => new Promise(() => undefined) });
    coordinator.register({ phase: 'database', name: 'pool', close: () => { closed.push('pool'); } });

    const report = await coordinator.shutdown('test');

    expect(report.ok).toBe(false);
    expect(report.phases.find((p) => p.phase === 'flush')).toMatchObject({ outcome: 'timeout', failures: [{ name: 'stuck-buffer' }] });
    expect(closed).toEqual(['pool']);
    expect(logger.lines).toContainEqual(expect.stringMatching(/^error Shutdown phase flush timed out after 20 ms; still running: stuck-buffer/));
    expect(logger.lines.findIndex((l) => l.includes('phase database started'))).toBeGreaterThan(
      logger.lines.findIndex((l) => l.includes('phase flush timed out')),
    );
  });

  it('closes a participant marked last only after the others of its phase, even when one of them overran', async () => {
    const coordinator = new ShutdownCoordinator({ defaultMs: 1000, perPhaseMs: { connections: 30 } }, new RecordingLogger());
    const closed: string[] = [];
    coordinator.register({ phase: 'database', name: 'embedded-server', last: true, close: () => { closed.push('embedded-server'); } });
    coordinator.register({ phase: 'database', name: 'pool', close: async () => { await wait(20); closed.push('pool'); } });
    coordinator.register({ phase: 'connections', name: 'redis-server', last: true, close: () => { closed.push('redis-server'); } });
    coordinator.register({ phase: 'connections', name: 'stuck-client', close: () => new Promise(() => undefined) });

    const report = await coordinator.shutdown('test');

    expect(closed).toEqual(['redis-server', 'pool', 'embedded-server']);
    expect(report.phases.find((p) => p.phase === 'connections')).toMatchObject({ outcome: 'timeout', failures: [{ name: 'stuck-client' }] });
    expect(report.phases.find((p) => p.phase === 'database')).toMatchObject({ outcome: 'ok', participants: ['embedded-server', 'pool'] });
  });

  it('records a participant that throws and carries on', async () => {
    const coordinator = new ShutdownCoordinator({ defaultMs: 1000 }, new RecordingLogger());
    coordinator.register({ phase: 'connections', name: 'redis', close: () => { throw new Error('boom'); } });
    const report = await coordinator.shutdown('test');
    expect(report.phases.find((p) => p.phase === 'connections')).toMatchObject({ outcome: 'failed', failures: [{ name: 'redis', error: 'boom' }] });
    expect(report.phases.find((p) => p.phase === 'database')?.outcome).toBe('ok');
  });

  it('runs once however often it is asked, and tells listeners at the start', async () => {
    const coordinator = new ShutdownCoordinator({ defaultMs: 1000 }, new RecordingLogger());
    let closes = 0;
    let started = 0;
    coordinator.onShutdownStart(() => started++);
    coordinator.register({ phase: 'database', name: 'pool', close: () => { closes++; } });
    expect(coordinator.isShuttingDown).toBe(false);
    const [a, b] = await Promise.all([coordinator.shutdown('SIGTERM'), coordinator.shutdown('SIGINT')]);
    expect(a).toBe(b);
    expect(closes).toBe(1);
    expect(started).toBe(1);
    expect(coordinator.isShuttingDown).toBe(true);
  });

  it('lets a participant unregister', async () => {
    const coordinator = new ShutdownCoordinator({ defaultMs: 1000 }, new RecordingLogger());
    let closes = 0;
    const unregister = coordinator.register({ phase: 'producers', name: 'session', close: () => { closes++; } });
    unregister();
    await coordinator.shutdown('test');
    expect(closes).toBe(0);
  });
});
