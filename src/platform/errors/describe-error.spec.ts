import { describeError } from './describe-error';

describe('describeError', () => {
  it('adds the cause that fetch-style errors hide', () => {
    const error = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:6333') });
    expect(describeError(error)).toBe('fetch failed: connect ECONNREFUSED 127.0.0.1:6333');
  });

  it('falls back to the error code when the message is empty', () => {
    expect(describeError(Object.assign(new Error(''), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
    expect(describeError('plain')).toBe('plain');
  });
});
