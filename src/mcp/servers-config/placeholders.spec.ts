import { hasPlaceholder, resolvePlaceholders } from './placeholders';

describe('resolvePlaceholders', () => {
  it('replaces ${VAR} and ${env:VAR}', () => {
    const missing: string[] = [];
    expect(resolvePlaceholders('Bearer ${TOKEN} for ${env:USER_NAME}', { TOKEN: 't0k', USER_NAME: 'ada' }, (v) => missing.push(v))).toBe('Bearer t0k for ada');
    expect(missing).toEqual([]);
  });

  it('reports each missing variable', () => {
    const missing: string[] = [];
    expect(resolvePlaceholders('${A}-${env:B}-$HOME-${}', {}, (v) => missing.push(v))).toBe('--$HOME-${}');
    expect(missing).toEqual(['A', 'B']);
  });
});

describe('hasPlaceholder', () => {
  it('finds ${VAR} and ${env:VAR}, not plain dollars or braces', () => {
    expect(hasPlaceholder('https://x/${env:SECRET}')).toBe(true);
    expect(hasPlaceholder('Bearer ${TOKEN}')).toBe(true);
    expect(hasPlaceholder('$HOME {x} $${')).toBe(false);
  });
});
