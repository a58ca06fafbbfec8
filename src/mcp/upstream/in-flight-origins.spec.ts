import { InFlightOrigins } from './in-flight-origins';

describe('InFlightOrigins', () => {
  it('names the one session waiting on the upstream, with its oldest request', () => {
    const origins = new InFlightOrigins();
    expect(origins.owner()).toEqual({ waiting: 0 });
    origins.add({ sessionId: 'a', requestId: 1 });
    origins.add({ sessionId: 'a', requestId: 2 });
    expect(origins.owner()).toEqual({ sessionId: 'a', requestId: 1 });
    origins.remove({ sessionId: 'a', requestId: 1 });
    expect(origins.owner()).toEqual({ sessionId: 'a', requestId: 2 });
    expect(origins.oldestOf('a')).toBe(2);
  });

  it('says how many sessions wait when there is more than one, and forgets released requests', () => {
    const origins = new InFlightOrigins();
    origins.add({ sessionId: 'a', requestId: 'x' });
    origins.add({ sessionId: 'b', requestId: 'x' });
    expect(origins.owner()).toEqual({ waiting: 2 });
    origins.remove({ sessionId: 'a', requestId: 'x' });
    origins.remove({ sessionId: 'a', requestId: 'x' });
    expect(origins.owner()).toEqual({ sessionId: 'b', requestId: 'x' });
    origins.remove({ sessionId: 'b', requestId: 'x' });
    expect(origins.owner()).toEqual({ waiting: 0 });
    expect(origins.oldestOf('b')).toBeUndefined();
  });
});
