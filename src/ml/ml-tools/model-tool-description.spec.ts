import type { ModelSignature } from '../registry/registry.entities';
import { keyMetrics, modelToolDescription, modelToolTitle, ServedVersion } from './model-tool-description';

const signature: ModelSignature = {
  inputs: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'].map((name) => ({ name, type: 'number' })),
  output: { name: 'species', type: 'string', task: 'classification', classes: ['setosa', 'versicolor', 'virginica'] },
};
const served = (overrides: Partial<ServedVersion['version']> = {}, ref = 'production', description: string | null = 'Iris species from flower measurements'): ServedVersion => ({
  model: { name: 'iris-classifier', description },
  version: { version: 3, stage: 'Production', description: null, metrics: { accuracy: 0.966666, f1_macro: 0.96658, loss: 0.1 }, signature, ...overrides },
  ref,
});

describe('model tool descriptions', () => {
  it('says what is predicted, by which version, the model description, classes, key metrics and the columns to send', () => {
    expect(modelToolDescription(served(), 1000)).toBe(
      [
        'Predicts "species" with the registered model "iris-classifier", version 3 (the Production version).',
        'Iris species from flower measurements',
        'Classification into setosa, versicolor, virginica; each prediction comes with class probabilities when the model gives them.',
        'Validation metrics: accuracy 0.9667, f1_macro 0.9666.',
        'Send rows: 1 to 1000 objects, each with every column: sepal_length (number), sepal_width (number), petal_length (number), petal_width (number).',
      ].join('\n'),
    );
    expect(modelToolTitle(served())).toBe('iris-classifier v3 (Production)');
  });

  it('an alias-served regressor without a description; other metrics when none of the usual ones exist', () => {
    const text = modelToolDescription(served({ version: 2, metrics: { zeta: 1, alpha: 0.123456 }, signature: { inputs: [{ name: 'bmi', type: 'number' }], output: { name: 'progression', type: 'integer', task: 'regression' } } }, 'champion', null), 50);
    expect(text.split('\n')).toEqual([
      'Predicts "progression" with the registered model "iris-classifier", version 2 (alias "champion").',
      'Regression: each prediction is a number (integer).',
      'Validation metrics: alpha 0.1235, zeta 1.',
      'Send rows: 1 to 50 objects, each with every column: bmi (number).',
    ]);
  });

  it('long class and column lists and long descriptions are cut', () => {
    const many = { inputs: Array.from({ length: 40 }, (_, i) => ({ name: `c${i}`, type: 'number' })), output: { name: 'y', type: 'string', task: 'classification', classes: Array.from({ length: 25 }, (_, i) => `k${i}`) } };
    const text = modelToolDescription(served({ signature: many, description: 'v'.repeat(1000) }), 10);
    expect(text).toContain('k19 and 5 more;');
    expect(text).toContain('c29 (number) and 10 more (see the input schema).');
    expect(text).toContain(`${'v'.repeat(399)}…`);
    expect(text.length).toBeLessThan(2000);
  });

  it('key metrics keep a fixed order and skip values that are not finite numbers', () => {
    expect(keyMetrics({ rmse: 3, r2: 0.5, accuracy: Number.NaN })).toEqual([['r2', 0.5], ['rmse', 3]]);
  });
});
