import { JsonSchemaValidator } from './json-schema-validator';

describe('JsonSchemaValidator', () => {
  const validator = new JsonSchemaValidator();
  const schema = {
    type: 'object',
    properties: { a: { type: 'number' }, b: { type: 'number' }, mode: { enum: ['fast', 'slow'] }, nested: { type: 'object', properties: { n: { type: 'integer' } } } },
    required: ['a', 'b'],
    additionalProperties: false,
  };

  it('accepts valid arguments', () => {
    expect(validator.validate(schema, { a: 1, b: 2 })).toEqual([]);
  });

  it('names each bad field with the reason', () => {
    expect(validator.validate(schema, { a: 'one', mode: 'medium', nested: { n: 1.5 }, zzz: true })).toEqual(
      expect.arrayContaining([
        { field: 'a', reason: 'must be number' },
        { field: 'b', reason: "must have required property 'b'" },
        { field: 'mode', reason: 'must be equal to one of the allowed values: "fast", "slow"' },
        { field: 'nested.n', reason: 'must be integer' },
        { field: 'zzz', reason: 'must NOT have additional properties' },
      ]),
    );
  });

  it('understands draft 2020-12 schemas as SDK servers publish them', () => {
    const modern = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { message: { type: 'string' } }, required: ['message'] };
    expect(validator.validate(modern, { message: 'hi' })).toEqual([]);
    expect(validator.validate(modern, {})).toEqual([{ field: 'message', reason: "must have required property 'message'" }]);
  });
});
