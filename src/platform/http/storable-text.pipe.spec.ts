import { ValidationFailedError } from '../errors/app-error';
import { findUnstorableText, StorableTextPipe } from './storable-text.pipe';

describe('findUnstorableText', () => {
  it('accepts ordinary text, emoji (paired surrogates), numbers and nested values', () => {
    expect(findUnstorableText({ name: 'iris', note: 'Grüße 👋', n: 1, tags: { a: ['x', null, true] }, at: new Date(0) })).toBeNull();
  });

  it('names the dotted path of a NUL or an unpaired surrogate, in strings and in keys', () => {
    expect(findUnstorableText({ description: 'a\u0000b' })).toEqual({ field: 'description', reason: expect.stringContaining('NUL') });
    expect(findUnstorableText({ tags: { t: ['ok', 'x\ud800'] } })).toEqual({ field: 'tags.t.1', reason: expect.stringContaining('unpaired UTF-16 surrogate') });
    expect(findUnstorableText({ tags: { t: '\udc00 low first' } })?.field).toBe('tags.t');
    expect(findUnstorableText({ params: { 'a\u0000b': 1 } })).toEqual({ field: 'params', reason: expect.stringContaining('key "a\\u0000b"') });
    expect(findUnstorableText('x\u0000', 'key')).toMatchObject({ field: 'key' });
  });

  it('reports the first bad field in document order', () => {
    expect(findUnstorableText({ a: 'fine', b: '\u0000', c: { d: '\u0000' } })?.field).toBe('b');
  });

  it('walks deep nesting without overflowing the stack', () => {
    let deep: unknown = 'bottom\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnstorableText(deep)?.field).toMatch(/^0(\.0)*$/);
  });

  it('ignores binary values', () => {
    expect(findUnstorableText({ buffer: Buffer.from([0, 0, 0]) })).toBeNull();
  });
});

describe('StorableTextPipe', () => {
  const pipe = new StorableTextPipe();

  it('passes clean values through and names path parameters and uploaded files by their own name', () => {
    expect(pipe.transform({ name: 'iris' }, { type: 'body' })).toEqual({ name: 'iris' });
    expect(() => pipe.transform('loss\u0000', { type: 'param', data: 'key' })).toThrow(ValidationFailedError);
    try {
      pipe.transform({ originalname: 'a\u0000.csv' }, { type: 'custom' });
    } catch (error) {
      expect((error as ValidationFailedError).problems).toEqual([{ field: 'file.originalname', reason: expect.stringContaining('NUL') }]);
    }
    expect.assertions(3);
  });
});
