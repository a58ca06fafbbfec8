import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ModelSignature, SignatureInput } from '../registry/registry.entities';

/** Rows one tool call may carry: what REST takes (SERVING_MAX_ROWS), at most 1000, as an agent's call is a few rows and its answer goes into a context window. */
export const toolMaxRows = (servingMaxRows: number) => Math.min(1000, servingMaxRows);

const JSON_TYPES: Record<string, string> = { integer: 'integer', number: 'number', boolean: 'boolean', string: 'string' };

/** A column's value: of its type (one of its categories when it has them), or null for a missing value the model imputes. */
function columnSchema(input: SignatureInput): Record<string, unknown> {
  const type = JSON_TYPES[input.type] ?? 'string';
  return input.categories?.length ? { type: [type, 'null'], enum: [...input.categories, null] } : { type: [type, 'null'] };
}

/** One row as the version's signature wants it: every input column, nothing else. */
function rowSchema(signature: ModelSignature): Record<string, unknown> {
  const inputs = signature.inputs;
  return {
    type: 'object',
    properties: Object.fromEntries(inputs.map((input) => [input.name, columnSchema(input)])),
    required: inputs.map((input) => input.name),
    additionalProperties: false,
  };
}

/** The inputSchema of a model's tool: `{ rows: [row, ...] }`, 1 to maxRows rows. */
export function rowsInputSchema(signature: ModelSignature, maxRows: number): Tool['inputSchema'] {
  return {
    type: 'object',
    properties: {
      rows: { type: 'array', items: rowSchema(signature), minItems: 1, maxItems: maxRows, description: 'The rows to predict, one object per row' },
    },
    required: ['rows'],
    additionalProperties: false,
  };
}

/**
 * The outputSchema of a model's tool: what PredictionResult holds. Class labels are not an enum: a
 * client keeps the schema it listed, and the next version (promoted meanwhile) may know other classes.
 */
export function predictionOutputSchema(signature: ModelSignature): NonNullable<Tool['outputSchema']> {
  const task = signature.output?.task;
  const prediction = task === 'regression' ? { type: 'number' } : task === 'classification' ? { type: ['string', 'number', 'boolean'], description: 'The predicted class' } : {};
  return {
    type: 'object',
    properties: {
      model: { type: 'object', properties: { name: { type: 'string' }, version: { type: 'integer' } }, required: ['name', 'version'] },
      predictions: { type: 'array', items: prediction, description: 'One per row, in row order' },
      probabilities: { type: ['array', 'null'], items: { type: 'object', additionalProperties: { type: 'number' } }, description: 'One per row, class → probability; null for regressors' },
    },
    required: ['model', 'predictions', 'probabilities'],
  };
}
