import { mlHealthStatus } from './ml-health-status';

describe('mlHealthStatus', () => {
  const up = { available: true };
  const missing = { available: false };
  it('is down when the queue does not answer, whatever else holds', () => expect(mlHealthStatus(false, 3, [up])).toBe('down'));
  it('is degraded with no live worker or a missing runtime', () => {
    expect(mlHealthStatus(true, 0, [up])).toBe('degraded');
    expect(mlHealthStatus(true, 1, [up, missing])).toBe('degraded');
  });
  it('is ok with a worker and every runtime', () => expect(mlHealthStatus(true, 2, [up, up])).toBe('ok'));
});
