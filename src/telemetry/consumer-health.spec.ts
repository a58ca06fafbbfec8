import { ConsumerHealth } from './consumer-health';

function clocked(staleMs = 30_000) {
  let now = 1_000_000;
  const health = new ConsumerHealth(staleMs, () => now);
  return { health, advance: (ms: number) => (now += ms) };
}

describe('ConsumerHealth', () => {
  it('is up while the consumer starts, down when it is late to start, and up while reads succeed', () => {
    const { health, advance } = clocked();
    expect(health.report()).toEqual({ healthy: true, lastReadAgeMs: null });
    advance(30_001);
    expect(health.report()).toMatchObject({ healthy: false, reason: 'the telemetry consumer has not started after 30001 ms', lastReadAgeMs: null });
    health.started();
    expect(health.report()).toEqual({ healthy: true, lastReadAgeMs: null });
    advance(200);
    health.readSucceeded();
    advance(300);
    expect(health.report()).toEqual({ healthy: true, lastReadAgeMs: 300 });
  });

  it('is down once reads have failed for 2 s, with the error, until a read succeeds again', () => {
    const { health, advance } = clocked();
    health.started();
    health.readSucceeded();
    advance(100);
    expect(health.readFailed('NOPERM this user has no permissions to run the xreadgroup command')).toBe(true);
    advance(1500);
    expect(health.readFailed('NOPERM this user has no permissions to run the xreadgroup command')).toBe(false);
    expect(health.readFailingForMs()).toBe(1500);
    expect(health.report()).toMatchObject({ healthy: true, lastError: 'NOPERM this user has no permissions to run the xreadgroup command' });
    advance(1000);
    expect(health.report()).toEqual({
      healthy: false,
      reason: 'the telemetry consumer cannot read the stream for 2500 ms: NOPERM this user has no permissions to run the xreadgroup command',
      lastReadAgeMs: 2600,
      lastError: 'NOPERM this user has no permissions to run the xreadgroup command',
    });
    health.readSucceeded();
    expect(health.readFailingForMs()).toBeUndefined();
    expect(health.report()).toEqual({ healthy: true, lastReadAgeMs: 0 });
  });

  it('is down while stored batches fail, even though reads succeed', () => {
    const { health, advance } = clocked();
    health.started();
    health.readSucceeded();
    health.writeFailed('connect ECONNREFUSED 127.0.0.1:5432');
    advance(700);
    health.readSucceeded();
    expect(health.report().healthy).toBe(true);
    advance(2000);
    expect(health.report()).toMatchObject({ healthy: false, reason: 'the telemetry consumer cannot store events for 2700 ms: connect ECONNREFUSED 127.0.0.1:5432', lastError: 'connect ECONNREFUSED 127.0.0.1:5432' });
    health.writeSucceeded();
    expect(health.report().healthy).toBe(true);
  });

  it('is down when no read has completed for longer than the stale limit (a read hangs)', () => {
    const { health, advance } = clocked(5000);
    health.started();
    health.readSucceeded();
    advance(5000);
    expect(health.report().healthy).toBe(true);
    advance(1);
    expect(health.report()).toEqual({ healthy: false, reason: 'the telemetry consumer has not read the stream for 5001 ms', lastReadAgeMs: 5001 });
  });
});
