import { StringMapRules, stringMapProblem } from './string-map.constraint';

const RULES: StringMapRules = {
  maxEntries: 3,
  maxKeyLength: 10,
  maxValueLength: 5,
  key: { pattern: /^[A-Z_]+$/, rule: 'upper-case letters and "_"' },
  forbidden: { pattern: /[\0\r\n]/, rule: 'NUL, CR or LF' },
};

describe('stringMapProblem', () => {
  it('accepts a map within its bounds', () => {
    expect(stringMapProblem({ A: 'x', B_C: '' }, RULES)).toBeUndefined();
    expect(stringMapProblem({}, RULES)).toBeUndefined();
  });

  it('names the first problem and the entry, without echoing a long key or any value', () => {
    expect(stringMapProblem([], RULES)).toBe('must be an object of strings');
    expect(stringMapProblem({ A: '1', B: '2', C: '3', D: '4' }, RULES)).toBe('has 4 entries; at most 3 are allowed');
    const long = stringMapProblem({ ['K'.repeat(5000)]: 'v' }, RULES)!;
    expect(long).toMatch(/^key "K{40}"… \(5000 characters\) is longer than 10 characters$/);
    expect(stringMapProblem({ 'A=B': 'v' }, RULES)).toBe('key "A=B" must be upper-case letters and "_"');
    expect(stringMapProblem({ A: 1 }, RULES)).toBe('"A" must be a string');
    expect(stringMapProblem({ A: 'secret-value' }, RULES)).toBe('"A" is 12 characters long; at most 5 are allowed');
    expect(stringMapProblem({ A: 'a\nb' }, RULES)).toBe('"A" must not contain NUL, CR or LF');
  });
});
