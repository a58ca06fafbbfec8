import { ServerStatus, retryAfterSeconds } from './server-state';

const status = (state: ServerStatus['state'], extra: Partial<ServerStatus> = {}): ServerStatus => ({
  name: 's',
  state,
  reason: '',
  since: '2026-01-01T00:00:00.000Z',
  attempts: [],
  consecutivePingFailures: 0,
  ...extra,
});

describe('retryAfterSeconds', () => {
  const since = Date.parse('2026-01-01T00:00:00.000Z');

  it('points at the next attempt of a server in backoff, never below one second', () => {
    const backoff = status('backoff', { attempts: [{ attempt: 1, startedAt: '', nextDelayMs: 7500 }] });
    expect(retryAfterSeconds(backoff, since)).toBe(8);
    expect(retryAfterSeconds(backoff, since + 5000)).toBe(3);
    expect(retryAfterSeconds(backoff, since + 60_000)).toBe(1);
  });

  it('asks for a moment while connecting or waiting, and longer for a server someone must start', () => {
    expect(retryAfterSeconds(status('connecting'), since)).toBe(2);
    expect(retryAfterSeconds(status('waiting'), since)).toBe(2);
    for (const state of ['failed', 'stopped', 'disabled'] as const) expect(retryAfterSeconds(status(state), since)).toBe(30);
  });
});
