import { DecisionTreeClassifier, DecisionTreeRegression } from 'ml-cart';
import KNN from 'ml-knn';
import LogisticRegression from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';
import { GaussianNB } from 'ml-naivebayes';
import { RandomForestClassifier, RandomForestRegression } from 'ml-random-forest';
import MultivariateLinearRegression from 'ml-regression-multivariate-linear';
import { Task } from '../adapter-protocol';

export class NodeDataError extends Error {}

type Report = (fraction: number, message: string) => void;

export interface NodeModel {
  fit(x: number[][], y: number[], report: Report): void;
  predict(x: number[][]): number[];
  /** Class probabilities per row, when the algorithm has them. */
  probabilities?(x: number[][], classCount: number): number[][];
  toJSON(): unknown;
}

/**
 * The mljs learners assign their sub-models one by one into an array they created just before
 * (`this.estimators[i] = ...`, `this.classifiers[i] = ...`); watching those assignments gives
 * progress that follows the real work without changing the algorithm.
 */
function reportEachAssignment(target: object, property: string, report: Report, label: string): void {
  let current: unknown;
  Object.defineProperty(target, property, {
    configurable: true,
    enumerable: true,
    get: () => current,
    set: (value: unknown) => {
      if (!Array.isArray(value)) {
        current = value;
        return;
      }
      const total = value.length;
      current = new Proxy(value, {
        set(array, key, item) {
          (array as unknown as Record<string | symbol, unknown>)[key] = item;
          const index = Number(key);
          if (Number.isInteger(index)) report(index / total, `${label} ${index + 1}/${total}`);
          return true;
        },
      });
    },
  });
}

function finish(target: object, property: string): void {
  const value = (target as Record<string, unknown>)[property];
  Object.defineProperty(target, property, { value: Array.isArray(value) ? [...value] : value, writable: true, configurable: true, enumerable: true });
}

const int = (hp: Record<string, unknown>, key: string, fallback: number) => (hp[key] === undefined ? fallback : Number(hp[key]));

export function buildNodeModel(algorithm: string, task: Task, hp: Record<string, unknown>, seed: number): NodeModel {
  const classification = task === 'classification';
  const only = (wanted: Task) => {
    if (task !== wanted) throw new NodeDataError(`${algorithm} supports only ${wanted}`);
  };
  switch (algorithm) {
    case 'random_forest': {
      const options = {
        seed,
        nEstimators: int(hp, 'n_estimators', 50),
        maxFeatures: hp.max_features === undefined ? 0.8 : Number(hp.max_features),
        replacement: true,
        useSampleBagging: true,
        noOOB: true,
        treeOptions: { ...(hp.max_depth === undefined ? {} : { maxDepth: Number(hp.max_depth) }), minNumSamples: int(hp, 'min_samples_split', 3) },
      };
      const forest = classification ? new RandomForestClassifier(options) : new RandomForestRegression(options);
      return {
        fit(x, y, report) {
          reportEachAssignment(forest, 'estimators', report, 'tree');
          forest.train(x, y);
          finish(forest, 'estimators');
          report(1, `trained ${options.nEstimators} trees`);
        },
        predict: (x) => forest.predict(x),
        probabilities: classification ? (x, classCount) => forestProbabilities(forest as RandomForestClassifier, x, classCount) : undefined,
        toJSON: () => forest.toJSON(),
      };
    }
    case 'logistic_regression': {
      only('classification');
      const model = new LogisticRegression({ numSteps: int(hp, 'num_steps', 5000), learningRate: hp.learning_rate === undefined ? 5e-3 : Number(hp.learning_rate) });
      return {
        fit(x, y, report) {
          reportEachAssignment(model, 'classifiers', report, 'one-vs-rest classifier');
          model.train(new Matrix(x), Matrix.columnVector(y));
          finish(model, 'classifiers');
          report(1, 'trained');
        },
        predict: (x) => model.predict(new Matrix(x)),
        toJSON: () => model.toJSON(),
      };
    }
    case 'cart': {
      const options = { maxDepth: hp.max_depth === undefined ? Infinity : Number(hp.max_depth), minNumSamples: int(hp, 'min_samples_split', 3) };
      const tree = classification ? new DecisionTreeClassifier(options) : new DecisionTreeRegression(options);
      return single(tree, (x, y) => tree.train(x, y), (x) => tree.predict(x));
    }
    case 'knn': {
      only('classification');
      let model: KNN | undefined;
      const k = int(hp, 'k', 5);
      return single(
        { toJSON: () => model?.toJSON() },
        (x, y) => (model = new KNN(x, y, { k })),
        (x) => model!.predict(x),
      );
    }
    case 'naive_bayes': {
      only('classification');
      const model = new GaussianNB();
      const probabilities = (x: number[][]) => gaussianNbProbabilities(model.toJSON() as GaussianNbState, x);
      return {
        ...single(model, (x, y) => model.train(x, y), (x) => probabilities(x).map(argMax)),
        probabilities,
      };
    }
    case 'linear_regression': {
      only('regression');
      let model: MultivariateLinearRegression | undefined;
      return single(
        { toJSON: () => model?.toJSON() },
        (x, y) => (model = new MultivariateLinearRegression(x, y.map((v) => [v]))),
        (x) => (model!.predict(x) as number[][]).map((row) => row[0]),
      );
    }
    default:
      throw new NodeDataError(`unknown node algorithm "${algorithm}"`);
  }
}

/** What serving needs of a trained model: its predictions, and class probabilities when it has them. */
export type NodePredictor = Pick<NodeModel, 'predict' | 'probabilities'>;

/** A model from its saved state (model.json's `model`), through each mljs class's static load. */
export function loadNodeModel(algorithm: string, task: Task, state: unknown): NodePredictor {
  const classification = task === 'classification';
  switch (algorithm) {
    case 'random_forest': {
      if (!classification) {
        const forest = RandomForestRegression.load(state as Parameters<typeof RandomForestRegression.load>[0]);
        return { predict: (x) => forest.predict(x) };
      }
      const forest = RandomForestClassifier.load(state as Parameters<typeof RandomForestClassifier.load>[0]);
      return { predict: (x) => forest.predict(x), probabilities: (x, classCount) => forestProbabilities(forest, x, classCount) };
    }
    case 'logistic_regression': {
      const model = LogisticRegression.load(state);
      return { predict: (x) => model.predict(new Matrix(x)) };
    }
    case 'cart': {
      const tree = classification ? DecisionTreeClassifier.load(state) : DecisionTreeRegression.load(state);
      return { predict: (x) => tree.predict(x) };
    }
    case 'knn': {
      const model = KNN.load(state);
      return { predict: (x) => model.predict(x) };
    }
    case 'naive_bayes': {
      const probabilities = (x: number[][]) => gaussianNbProbabilities(state as GaussianNbState, x);
      return { predict: (x) => probabilities(x).map(argMax), probabilities };
    }
    case 'linear_regression': {
      const model = MultivariateLinearRegression.load(state as Parameters<typeof MultivariateLinearRegression.load>[0]);
      return { predict: (x) => (model.predict(x) as number[][]).map((row) => row[0]) };
    }
    default:
      throw new NodeDataError(`unknown node algorithm "${algorithm}"`);
  }
}

function forestProbabilities(forest: RandomForestClassifier, x: number[][], classCount: number): number[][] {
  const perClass = Array.from({ length: classCount }, (_, c) => forest.predictProbability(x, c));
  return x.map((_, i) => perClass.map((p) => p[i]));
}

function single(serialisable: { toJSON(): unknown }, train: (x: number[][], y: number[]) => unknown, predict: (x: number[][]) => number[]): NodeModel {
  return {
    fit(x, y, report) {
      report(0, 'fitting');
      train(x, y);
      report(1, 'fitted');
    },
    predict,
    toJSON: () => serialisable.toJSON(),
  };
}

interface GaussianNbState {
  means: number[][];
  /** Per class: [log prior, ...per feature [1 / (sqrt(2π)·σ), -2σ²]]. */
  calculateProbabilities: [number, ...[number, number][]][];
}

/**
 * Class probabilities from a trained ml-naivebayes GaussianNB. Its own predict() sums the
 * likelihood of the first two features only (it loops to the length of a parameter pair), so the
 * hub predicts from the fitted means and variances itself, over every feature.
 */
export function gaussianNbProbabilities(state: GaussianNbState, x: number[][]): number[][] {
  return x.map((row) => {
    const logs = state.calculateProbabilities.map(([prior, ...perFeature], c) =>
      perFeature.reduce((sum, [, minusTwoVar], j) => {
        const variance = Math.max(-minusTwoVar / 2, 1e-9);
        return sum - 0.5 * Math.log(2 * Math.PI * variance) - (row[j] - state.means[c][j]) ** 2 / (2 * variance);
      }, prior),
    );
    const top = Math.max(...logs);
    const weights = logs.map((l) => Math.exp(l - top));
    const total = weights.reduce((a, b) => a + b, 0);
    return weights.map((w) => w / total);
  });
}

const argMax = (values: number[]) => values.reduce((best, v, i) => (v > values[best] ? i : best), 0);
