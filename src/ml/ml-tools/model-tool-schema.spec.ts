import { JsonSchemaValidator } from '../../platform/json-schema/json-schema-validator';
import type { ModelSignature } from '../registry/registry.entities';
import { predictionOutputSchema, rowsInputSchema } from './model-tool-schema';

const iris: ModelSignature = {
  inputs: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'].map((name) => ({ name, type: 'number' })),
  output: { name: 'species', type: 'string', task: 'classification', classes: ['setosa', 'versicolor', 'virginica'] },
};
const churn = {
  inputs: [
    { name: 'tenure', type: 'integer' },
    { name: 'plan', type: 'string', categories: ['basic', 'pro'] },
    { name: 'autopay', type: 'boolean' },
    { name: 'note', type: 'string' },
  ],
  output: { name: 'monthly', type: 'number', task: 'regression' },
} as ModelSignature;

describe('model tool schemas from a signature', () => {
  const validator = new JsonSchemaValidator();

  it('rows of objects with every input column, of its type or null, nothing else; 1 to maxRows rows', () => {
    expect(rowsInputSchema(churn, 500)).toEqual({
      type: 'object',
      properties: {
        rows: {
          type: 'array',
          items: {
            type: 'object',
            properties: { tenure: { type: ['integer', 'null'] }, plan: { type: ['string', 'null'], enum: ['basic', 'pro', null] }, autopay: { type: ['boolean', 'null'] }, note: { type: ['string', 'null'] } },
            required: ['tenure', 'plan', 'autopay', 'note'],
            additionalProperties: false,
          },
          minItems: 1,
          maxItems: 500,
          description: 'The rows to predict, one object per row',
        },
      },
      required: ['rows'],
      additionalProperties: false,
    });
  });

  it('the schema accepts good rows and names the row and column of bad ones', () => {
    const schema = rowsInputSchema(churn, 2);
    const good = { tenure: 12, plan: 'pro', autopay: true, note: null };
    expect(validator.validate(schema, { rows: [good] })).toEqual([]);
    const fields = (rows: unknown[]) => validator.validate(schema, { rows }).map((p) => p.field);
    expect(fields([good, { ...good, tenure: 1.5 }])).toEqual(['rows.1.tenure']);
    expect(fields([{ ...good, plan: 'gold' }])).toEqual(['rows.0.plan']);
    expect(fields([{ ...good, extra: 1 }])).toEqual(['rows.0.extra']);
    const { note: _dropped, ...missing } = good;
    expect(fields([missing])).toEqual(['rows.0.note']);
    expect(fields([])).toEqual(['rows']);
    expect(fields([good, good, good])).toEqual(['rows']);
  });

  it('output: model, predictions and probabilities, classes not pinned (the next version may know others)', () => {
    const classifier = predictionOutputSchema(iris);
    const result = { model: { name: 'iris', version: 3 }, predictions: ['setosa'], probabilities: [{ setosa: 0.9, versicolor: 0.1, virginica: 0 }] };
    expect(validator.validate(classifier as Record<string, unknown>, result)).toEqual([]);
    expect(validator.validate(classifier as Record<string, unknown>, { ...result, predictions: ['a class v4 added'], probabilities: null })).toEqual([]);
    const regressor = predictionOutputSchema(churn);
    expect(validator.validate(regressor as Record<string, unknown>, { model: { name: 'churn', version: 1 }, predictions: [41.5], probabilities: null })).toEqual([]);
    expect(validator.validate(regressor as Record<string, unknown>, { model: { name: 'churn', version: 1 }, predictions: ['41.5'], probabilities: null }).map((p) => p.field)).toEqual(['predictions.0']);
  });
});
