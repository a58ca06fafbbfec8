import { ValidationFailedError } from '../platform/errors/app-error';
import { decodeCursor, encodeCursor } from './telemetry-queries';

describe('telemetry cursors', () => {
  const id = '019ab3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b';
  const craft = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const problem = (cursor: string) => {
    try {
      decodeCursor(cursor);
      return 'accepted';
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationFailedError);
      return (error as ValidationFailedError).problems[0].field;
    }
  };

  it('decodes what it encoded', () => {
    const time = new Date('2026-11-25T15:00:00.123Z');
    expect(decodeCursor(encodeCursor({ time, source: 'mcp-hub/x', id }))).toEqual([time, 'mcp-hub/x', id]);
  });

  it('refuses crafted cursors, naming the cursor, before they reach the database', () => {
    for (const cursor of [
      'not base64 json',
      craft({ a: 1 }),
      craft(['2026-11-25T15:00:00.000Z', 'x']),
      craft(['not a time', 'x', id]),
      craft(['+275760-09-13T00:00:00.001Z', 'x', id]),
      craft(['-002000-01-01T00:00:00.000Z', 'x', id]),
      craft(['2026-13-45T99:00:00.000Z', 'x', id]),
      craft(['2026-11-25T15:00:00.000Z', 'x', 'not-a-uuid']),
      craft(['2026-11-25T15:00:00.000Z', 'a\u0000b', id]),
      craft(['2026-11-25T15:00:00.000Z', 7, id]),
    ]) {
      expect([cursor, problem(cursor)]).toEqual([cursor, 'cursor']);
    }
  });
});
