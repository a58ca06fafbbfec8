import { isJsonContentType } from './content-type';

describe('isJsonContentType', () => {
  it('takes JSON types with parameters, and nothing that merely mentions JSON', () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/merge-patch+json']) expect(isJsonContentType(type)).toBe(true);
    for (const type of [undefined, '', 'text/plain; x=application/json', 'text/json', 'application/jsonp', 'multipart/form-data; boundary=json']) expect(isJsonContentType(type)).toBe(false);
  });
});
