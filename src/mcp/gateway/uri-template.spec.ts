import { uriTemplatePattern } from './uri-template';

describe('uriTemplatePattern', () => {
  it('matches what the template can expand to', () => {
    const pattern = uriTemplatePattern('demo://resource/dynamic/text/{resourceId}');
    expect(pattern.test('demo://resource/dynamic/text/42')).toBe(true);
    expect(pattern.test('demo://resource/dynamic/text/4/2')).toBe(false);
    expect(pattern.test('demo://resource/static/text/42')).toBe(false);
  });

  it('lets reserved expansion cross slashes and escapes the literal parts', () => {
    expect(uriTemplatePattern('file:///{+path}').test('file:///a/b/c.txt')).toBe(true);
    expect(uriTemplatePattern('db://x.y/{table}').test('db://xzy/t')).toBe(false);
  });
});
