import { SessionLogLevels } from './session-log-levels';

describe('SessionLogLevels', () => {
  it('lets through messages at or above the level a session set, everything for other sessions', () => {
    const levels = new SessionLogLevels();
    levels.set('a', 'warning');
    expect(['debug', 'info', 'notice', 'warning', 'error', 'emergency'].map((level) => levels.allows('a', level))).toEqual([false, false, false, true, true, true]);
    expect(levels.allows('b', 'debug')).toBe(true);
    levels.forget('a');
    expect(levels.allows('a', 'debug')).toBe(true);
  });
});
