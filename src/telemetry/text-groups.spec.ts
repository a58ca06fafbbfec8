import { textGroups } from './text-groups';

describe('textGroups', () => {
  it('keeps the order and cuts by count and by characters, whichever comes first', () => {
    expect(textGroups(['aa', 'bb', 'cc', 'dd', 'ee'], 100, 2)).toEqual([['aa', 'bb'], ['cc', 'dd'], ['ee']]);
    expect(textGroups(['aaa', 'bbb', 'ccc'], 6)).toEqual([['aaa', 'bbb'], ['ccc']]);
  });

  it('gives a text longer than the limit a group of its own, and nothing for nothing', () => {
    expect(textGroups(['a', 'x'.repeat(10), 'b'], 5)).toEqual([['a'], ['x'.repeat(10)], ['b']]);
    expect(textGroups([], 5)).toEqual([]);
  });
});
