import { servedRef } from './served-ref';

describe('the version a model tool serves', () => {
  it('is the Production version, whatever aliases exist', () => {
    expect(servedRef({ production: 3, aliases: { champion: 2 } }, ['champion'])).toEqual({ ref: 'production', version: 3 });
  });

  it('without one, the first configured alias the model has', () => {
    expect(servedRef({ production: null, aliases: { challenger: 4, champion: 2 } }, ['champion', 'challenger'])).toEqual({ ref: 'champion', version: 2 });
    expect(servedRef({ production: null, aliases: { challenger: 4 } }, ['champion', 'challenger'])).toEqual({ ref: 'challenger', version: 4 });
  });

  it('else none: an alias not configured does not count', () => {
    expect(servedRef({ production: null, aliases: { champion: 2 } }, [])).toBeNull();
    expect(servedRef({ production: null, aliases: {} }, ['champion'])).toBeNull();
  });
});
