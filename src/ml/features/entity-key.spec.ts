import { entityKeyText } from './entity-key';

describe('entityKeyText spells a key as PostgreSQL casts the stored one to text', () => {
  it('integers from numbers and strings alike', () => {
    expect(entityKeyText(42, 'int8')).toEqual({ text: '42' });
    expect(entityKeyText('007', 'int4')).toEqual({ text: '7' });
    expect(entityKeyText('9223372036854775807', 'int8')).toEqual({ text: '9223372036854775807' });
    expect(entityKeyText(1.5, 'int8')).toHaveProperty('reason');
    expect(entityKeyText('1e3', 'int8')).toHaveProperty('reason');
  });

  it('uuids in canonical lower case, character(n) without its padding, text as given', () => {
    expect(entityKeyText('0190A1B2C3D4E5F60718293A4B5C6D7E', 'uuid')).toEqual({ text: '0190a1b2-c3d4-e5f6-0718-293a4b5c6d7e' });
    expect(entityKeyText('not-a-uuid', 'uuid')).toHaveProperty('reason');
    expect(entityKeyText('ab  ', 'bpchar')).toEqual({ text: 'ab' });
    expect(entityKeyText(' ab ', 'text')).toEqual({ text: ' ab ' });
    expect(entityKeyText(7, 'varchar')).toEqual({ text: '7' });
  });

  it('refuses what is no key', () => {
    expect(entityKeyText(null, 'text')).toHaveProperty('reason');
    expect(entityKeyText({ id: 1 }, 'int8')).toHaveProperty('reason');
    expect(entityKeyText(true, 'text')).toHaveProperty('reason');
  });
});
