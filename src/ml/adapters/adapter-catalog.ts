import { Task } from './adapter-protocol';

export const ADAPTERS = ['sklearn', 'torch', 'node'] as const;
export type AdapterName = (typeof ADAPTERS)[number];

export interface AlgorithmInfo {
  tasks: Task[];
  description: string;
  /** JSON Schema of the hyperparameters (draft-07); unknown keys are refused. */
  hyperparameters: Record<string, unknown>;
}

const int = (minimum: number, maximum: number, def: number, description?: string) => ({ type: 'integer', minimum, maximum, default: def, ...(description ? { description } : {}) });
const num = (minimum: number, maximum: number, def: number, description?: string) => ({ type: 'number', minimum, maximum, default: def, ...(description ? { description } : {}) });
const schema = (properties: Record<string, unknown>) => ({ type: 'object', properties, additionalProperties: false });
const both: Task[] = ['classification', 'regression'];

/** The validation metrics the adapters report, by task, with the direction that is better. */
export const TASK_METRICS: Record<Task, Record<string, 'maximize' | 'minimize'>> = {
  classification: { accuracy: 'maximize', precision_macro: 'maximize', recall_macro: 'maximize', f1_macro: 'maximize', log_loss: 'minimize', roc_auc: 'maximize' },
  regression: { rmse: 'minimize', mae: 'minimize', r2: 'maximize' },
};

/** Every algorithm each adapter offers, with its hyperparameters; the REST API validates against this before queueing. */
export const ADAPTER_CATALOG: Record<AdapterName, { runtime: string; algorithms: Record<string, AlgorithmInfo> }> = {
  sklearn: {
    runtime: 'Python 3 with numpy, pandas and scikit-learn',
    algorithms: {
      random_forest: {
        tasks: both,
        description: 'Random forest (RandomForestClassifier / RandomForestRegressor); progress per tree',
        hyperparameters: schema({
          n_estimators: int(1, 5000, 100),
          max_depth: { type: ['integer', 'null'], minimum: 1, default: null },
          min_samples_split: int(2, 10000, 2),
          min_samples_leaf: int(1, 10000, 1),
          max_features: { oneOf: [{ enum: ['sqrt', 'log2'] }, { type: 'number', exclusiveMinimum: 0, maximum: 1 }] },
        }),
      },
      gradient_boosting: {
        tasks: both,
        description: 'Gradient boosting; progress per boosting stage',
        hyperparameters: schema({ n_estimators: int(1, 5000, 100), learning_rate: num(0.0001, 10, 0.1), max_depth: int(1, 64, 3), subsample: num(0.01, 1, 1) }),
      },
      logistic_regression: {
        tasks: ['classification'],
        description: 'Logistic regression (lbfgs)',
        hyperparameters: schema({ C: num(0.000001, 1000000, 1, 'Inverse regularisation strength'), max_iter: int(1, 100000, 1000) }),
      },
      linear_regression: { tasks: ['regression'], description: 'Ordinary least squares', hyperparameters: schema({ fit_intercept: { type: 'boolean', default: true } }) },
      ridge: { tasks: ['regression'], description: 'Ridge regression', hyperparameters: schema({ alpha: num(0, 1000000, 1) }) },
      svm: {
        tasks: both,
        description: 'Support vector machine (SVC with probabilities / SVR)',
        hyperparameters: schema({
          C: num(0.000001, 1000000, 1),
          kernel: { enum: ['rbf', 'linear', 'poly', 'sigmoid'], default: 'rbf' },
          gamma: { oneOf: [{ enum: ['scale', 'auto'] }, { type: 'number', exclusiveMinimum: 0 }] },
        }),
      },
      knn: {
        tasks: both,
        description: 'k nearest neighbours',
        hyperparameters: schema({ n_neighbors: int(1, 1000, 5), weights: { enum: ['uniform', 'distance'], default: 'uniform' } }),
      },
    },
  },
  torch: {
    runtime: 'Python 3 with numpy, pandas, scikit-learn and PyTorch',
    algorithms: {
      mlp: {
        tasks: both,
        description: 'Multilayer perceptron (Adam); loss reported per epoch, progress per epoch',
        hyperparameters: schema({
          hidden_layers: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 4096 }, minItems: 0, maxItems: 8, default: [64, 32] },
          epochs: int(1, 10000, 100),
          batch_size: int(1, 65536, 16),
          learning_rate: num(0.000001, 10, 0.01),
          weight_decay: num(0, 1, 0),
        }),
      },
    },
  },
  node: {
    runtime: 'Node.js (mljs packages, nothing else)',
    algorithms: {
      random_forest: {
        tasks: both,
        description: 'Random forest (ml-random-forest); progress per tree',
        hyperparameters: schema({ n_estimators: int(1, 2000, 50), max_features: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.8 }, max_depth: int(1, 64, 64), min_samples_split: int(1, 10000, 3) }),
      },
      logistic_regression: {
        tasks: ['classification'],
        description: 'Logistic regression, one-vs-rest (ml-logistic-regression); progress per class',
        hyperparameters: schema({ num_steps: int(1, 1000000, 5000), learning_rate: num(0.000001, 10, 0.005) }),
      },
      cart: { tasks: both, description: 'Decision tree (ml-cart)', hyperparameters: schema({ max_depth: int(1, 64, 64), min_samples_split: int(1, 10000, 3) }) },
      knn: { tasks: ['classification'], description: 'k nearest neighbours (ml-knn)', hyperparameters: schema({ k: int(1, 1000, 5) }) },
      naive_bayes: { tasks: ['classification'], description: 'Gaussian naive Bayes (ml-naivebayes)', hyperparameters: schema({}) },
      linear_regression: { tasks: ['regression'], description: 'Multivariate linear regression (ml-regression-multivariate-linear)', hyperparameters: schema({}) },
    },
  },
};
