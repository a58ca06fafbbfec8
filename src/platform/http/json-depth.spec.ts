import { jsonNestsDeeperThan } from './json-depth';

describe('jsonNestsDeeperThan', () => {
  const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

  it('accepts nesting up to the limit and refuses one level more', () => {
    expect(jsonNestsDeeperThan(nested(64), 64)).toBe(false);
    expect(jsonNestsDeeperThan(nested(65), 64)).toBe(true);
    expect(jsonNestsDeeperThan(`{"a":${'{"b":'.repeat(70)}1${'}'.repeat(70)}}`, 64)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonNestsDeeperThan(JSON.stringify({ text: '['.repeat(500) }), 2)).toBe(false);
    expect(jsonNestsDeeperThan(JSON.stringify({ text: `\\"${'{'.repeat(500)}` }), 2)).toBe(false);
  });

  it('finds deep nesting in Buffers, and behind many brackets mixed with strings', () => {
    expect(jsonNestsDeeperThan(Buffer.from(nested(65)), 64)).toBe(true);
    expect(jsonNestsDeeperThan(Buffer.from(nested(64)), 64)).toBe(false);
    expect(jsonNestsDeeperThan(`${'{"a":'.repeat(33)}${'['.repeat(32)}1${']'.repeat(32)}${'}'.repeat(33)}`, 64)).toBe(true);
    expect(jsonNestsDeeperThan(JSON.stringify({ text: '{'.repeat(100), list: nested(10) }), 64)).toBe(false);
  });

  it('counts siblings by their own depth, not their number', () => {
    expect(jsonNestsDeeperThan(JSON.stringify(Array.from({ length: 1000 }, () => [[1]])), 3)).toBe(false);
  });
});
