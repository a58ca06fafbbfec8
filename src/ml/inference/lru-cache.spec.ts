import { LruCache } from './lru-cache';

describe('LruCache', () => {
  it('drops the least recently used entry past capacity, and a get counts as use', () => {
    const evicted: string[] = [];
    const cache = new LruCache<string, number>(2, (key) => evicted.push(key));
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(evicted).toEqual(['b']);
    expect(cache.keys()).toEqual(['a', 'c']);
    expect(cache.has('b')).toBe(false);
  });

  it('peek leaves the order alone; setting a key again moves it to the back without evicting', () => {
    const evicted: string[] = [];
    const cache = new LruCache<string, number>(2, (key) => evicted.push(key));
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.peek('a')).toBe(1);
    cache.set('b', 20);
    expect(evicted).toEqual([]);
    cache.set('c', 3);
    expect(evicted).toEqual(['a']);
    expect(cache.values()).toEqual([20, 3]);
  });

  it('refuses a capacity below one', () => {
    expect(() => new LruCache(0)).toThrow('positive integer');
  });
});
