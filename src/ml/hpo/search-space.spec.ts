import { JsonSchemaValidator } from '../../platform/json-schema/json-schema-validator';
import { ADAPTER_CATALOG } from '../adapters/adapter-catalog';
import { checkSearchSpace, HyperparameterCheck } from './search-space';

const schemas = new JsonSchemaValidator();
const gbm = ADAPTER_CATALOG.sklearn.algorithms.gradient_boosting.hyperparameters;
const known = Object.keys((gbm as { properties: object }).properties);
const check: HyperparameterCheck = (name, value) => schemas.validate(gbm, { [name]: value });
const problems = (space: unknown, sampler: 'tpe' | 'grid' = 'tpe') => {
  const result = checkSearchSpace(space, known, check, sampler);
  return 'problems' in result ? result.problems.map((p) => `${p.field}: ${p.reason}`) : [];
};

describe('checkSearchSpace', () => {
  it('takes a space that fits the algorithm, as Optuna will sample it', () => {
    expect(checkSearchSpace({ learning_rate: { type: 'float', low: 0.001, high: 1, log: true }, max_depth: { type: 'int', low: 1, high: 8 }, subsample: { type: 'categorical', choices: [0.5, 1] } }, known, check, 'tpe')).toEqual({
      space: { learning_rate: { type: 'float', low: 0.001, high: 1, log: true }, max_depth: { type: 'int', low: 1, high: 8 }, subsample: { type: 'categorical', choices: [0.5, 1] } },
    });
    expect(checkSearchSpace({ max_depth: { type: 'int', low: 1, high: 8, step: 2 }, subsample: { type: 'float', low: 0.5, high: 1, step: 0.25 } }, known, check, 'grid')).toMatchObject({ gridSize: 4 * 3 });
    // a step that does not divide the range stops below high (0.1, 0.35, 0.6, 0.85), as the Optuna side counts
    expect(checkSearchSpace({ subsample: { type: 'float', low: 0.1, high: 1, step: 0.25 } }, known, check, 'grid')).toMatchObject({ gridSize: 4 });
  });

  it('names each parameter that does not fit', () => {
    expect(problems({ depth: { type: 'int', low: 1, high: 3 } })).toEqual([expect.stringMatching(/^searchSpace\.depth: not a hyperparameter of the algorithm \(it has n_estimators, learning_rate, max_depth, subsample\)$/)]);
    expect(problems({ max_depth: { type: 'int', low: 0, high: 100 } })).toEqual([expect.stringMatching(/^searchSpace\.max_depth\.low: /), expect.stringMatching(/^searchSpace\.max_depth\.high: /)]);
    expect(problems({ max_depth: { type: 'float', low: 1, high: 8 } })).toEqual(['searchSpace.max_depth: the hyperparameter takes integers; use type int']);
    expect(problems({ learning_rate: { type: 'float', low: 0, high: 1, log: true } })).toEqual(expect.arrayContaining(['searchSpace.learning_rate: a log scale needs low above 0']));
    expect(problems({ learning_rate: { type: 'float', low: 1, high: 0.1 } })).toEqual(['searchSpace.learning_rate: low (1) is above high (0.1)']);
    expect(problems({ subsample: { type: 'categorical', choices: [0.5, 2] } })).toEqual([expect.stringMatching(/^searchSpace\.subsample\.choices\[1\]: /)]);
    expect(problems({ subsample: { type: 'normal' } })).toEqual(['searchSpace.subsample: type must be int, float or categorical']);
    expect(problems({})).toEqual(['searchSpace: names no hyperparameter']);
  });

  it('refuses grids that are not finite or too large', () => {
    expect(problems({ learning_rate: { type: 'float', low: 0.1, high: 1 } }, 'grid')).toEqual(['searchSpace.learning_rate: a grid needs a step for a float range']);
    expect(problems({ n_estimators: { type: 'int', low: 1, high: 5000 }, max_depth: { type: 'int', low: 1, high: 64 } }, 'grid')).toEqual(['searchSpace: the grid has 320000 combinations; at most 10000']);
  });
});
