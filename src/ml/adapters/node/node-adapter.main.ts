/**
 * The Node.js training adapter (mljs), run by the training worker as a child process speaking the
 * adapter protocol (adapter-protocol.ts): `node dist/src/ml/adapters/node/node-adapter.main.js`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ADAPTER_EXIT_DATA_ERROR, AdapterEvent, AdapterSpec, FeatureInfo, MAX_FEATURE_CATEGORIES } from '../adapter-protocol';
import { coerce, DatasetProfiler } from '../../datasets/dataset-profile';
import { readAllRows, TableFormatError } from '../../datasets/table-reader';
import { classificationMetrics, meanOverFolds, regressionMetrics } from './metrics';
import { buildNodeModel, loadNodeModel, NodeDataError, NodeModel } from './node-models';
import { seededRandom, shuffled } from './seeded-random';
import { Cell, Preprocessor } from './preprocessing';
import { makeSplits } from './split';

const LIBRARIES = ['ml-random-forest', 'ml-logistic-regression', 'ml-cart', 'ml-knn', 'ml-naivebayes', 'ml-regression-multivariate-linear'];

function emit(event: AdapterEvent): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

const progress = (fraction: number, stage: string, message?: string) =>
  emit({ type: 'progress', fraction: Math.round(Math.min(1, Math.max(0, fraction)) * 1e4) / 1e4, stage, ...(message ? { message } : {}) });

/** The rows, features, encoded target and splits as training sees them: importance re-derives the same holdout. */
async function loadTrainingData(spec: AdapterSpec) {
  progress(0.01, 'loading', `reading ${spec.dataset.path.split('/').pop()}`);
  const rows = await readAllRows(spec.dataset.path, spec.dataset.format);
  const profiler = new DatasetProfiler();
  rows.forEach((row) => profiler.add(row));
  const columns = new Map(profiler.profile().map((c) => [c.name, c]));
  const missing = [spec.target, ...spec.features].filter((c) => !columns.has(c));
  if (missing.length) throw new NodeDataError(`columns not in the dataset: ${missing.join(', ')}`);
  const targetType = columns.get(spec.target)!.type;
  const usable = rows.filter((row) => coerce(row[spec.target], targetType) !== null);
  if (usable.length < 10) throw new NodeDataError(`only ${usable.length} rows have a value for "${spec.target}"; at least 10 are needed`);
  const kinds = spec.features.map((name) => ({ name, type: ['integer', 'number'].includes(columns.get(name)!.type) ? ('number' as const) : ('category' as const) }));
  const cells: Cell[][] = usable.map((row) => kinds.map((f) => coerce(row[f.name], f.type === 'number' ? 'number' : 'string')));
  const features: FeatureInfo[] = kinds.map((f, column) => {
    if (f.type === 'number') return f;
    const categories = [...new Set(cells.map((row) => row[column]).filter((v) => v !== null).map(String))].sort();
    return categories.length <= MAX_FEATURE_CATEGORIES ? { ...f, categories } : f;
  });

  let y: number[];
  let classes: string[] | null = null;
  if (spec.task === 'classification') {
    const labels = usable.map((row) => String(coerce(row[spec.target], 'string')));
    classes = [...new Set(labels)].sort();
    if (classes.length < 2) throw new NodeDataError('the target has a single class; classification needs at least two');
    const index = new Map(classes.map((c, i) => [c, i]));
    y = labels.map((l) => index.get(l)!);
  } else {
    if (!['integer', 'number'].includes(targetType)) throw new NodeDataError(`regression needs a numeric target; "${spec.target}" holds text`);
    y = usable.map((row) => coerce(row[spec.target], 'number') as number);
  }
  emit({ type: 'log', level: 'info', message: `${usable.length} rows, ${features.filter((f) => f.type === 'number').length} numeric and ${features.filter((f) => f.type === 'category').length} categorical features, task ${spec.task}` });

  const folds = 'folds' in spec.validation ? spec.validation.folds : 0;
  if (folds > usable.length) throw new NodeDataError(`${folds} folds need at least ${folds} rows; the dataset has ${usable.length}`);
  const classCounts = classes ? classes.map((_, c) => y.filter((v) => v === c).length) : [];
  const stratify = classes !== null && Math.min(...classCounts) >= Math.max(2, folds);
  const splits = makeSplits(usable.length, spec.validation, spec.seed, stratify ? y : undefined);
  return { usable, cells, features, y, classes, splits, folds };
}

async function train(spec: AdapterSpec): Promise<void> {
  const started = Date.now();
  const { usable, cells, features, y, classes, splits, folds } = await loadTrainingData(spec);
  const fits = [...splits, ...(folds ? [{ train: usable.map((_, i) => i), test: [] as number[] }] : [])];
  const perFold: Record<string, number>[] = [];
  let final: { prep: Preprocessor; model: NodeModel } | undefined;
  fits.forEach((split, index) => {
    const stage = fits.length === 1 ? 'training' : split.test.length === 0 ? 'final fit' : `fold ${index + 1}/${splits.length}`;
    const report = (fraction: number, message: string) => progress(0.05 + (0.9 * (index + fraction)) / fits.length, stage, message);
    const pick = <T>(items: T[], at: number[]) => at.map((i) => items[i]);
    const prep = Preprocessor.fit(pick(cells, split.train), features);
    const model = buildNodeModel(spec.algorithm, spec.task, spec.hyperparameters, spec.seed);
    model.fit(prep.transform(pick(cells, split.train)), pick(y, split.train), report);
    if (split.test.length) {
      const xTest = prep.transform(pick(cells, split.test));
      const truth = pick(y, split.test);
      const predicted = model.predict(xTest);
      perFold.push(classes ? classificationMetrics(truth, predicted, classes.length, model.probabilities?.(xTest, classes.length)) : regressionMetrics(truth, predicted));
      const watched = spec.intermediateMetric;
      if (watched && splits.length > 1 && watched in perFold[perFold.length - 1]) {
        // k folds: the mean over the folds done so far, one step per fold (a pruner's intermediate values)
        const done = perFold.filter((fold) => watched in fold);
        emit({ type: 'metric', name: watched, value: done.reduce((sum, fold) => sum + fold[watched], 0) / done.length, step: perFold.length });
      }
    }
    final = { prep, model };
  });

  const metrics = meanOverFolds(perFold);
  for (const [name, value] of Object.entries(metrics)) emit({ type: 'metric', name, value });
  progress(0.97, 'saving', 'writing the model');
  const libraries: Record<string, string> = { node: process.versions.node };
  for (const name of LIBRARIES) libraries[name] = (require(`${name}/package.json`) as { version: string }).version;
  await mkdir(spec.outputDir, { recursive: true });
  const path = join(spec.outputDir, 'model.json');
  await writeFile(path, JSON.stringify({ format: 'mcp-hub/node-mljs', algorithm: spec.algorithm, task: spec.task, classes, features, preprocessing: final!.prep, model: final!.model }));
  emit({ type: 'artifact', path, name: 'model.json', contentType: 'application/json' });
  emit({
    type: 'result',
    metrics,
    classes,
    features,
    rows: { total: usable.length, train: fits[0].train.length, validation: splits.reduce((n, s) => n + s.test.length, 0) },
    libraries,
    durationMs: Date.now() - started,
  });
  progress(1, 'done');
}

/**
 * Permutation importance (Breiman 2001; the algorithm of sklearn.inspection.permutation_importance):
 * on the validation rows of training (the holdout, or the first fold), each column is shuffled
 * `repeats` times and the metric's drop is its importance (a rise for metrics where lower is better).
 */
async function importance(spec: AdapterSpec): Promise<void> {
  const { cells, y, classes, splits } = await loadTrainingData(spec);
  const metric = spec.metric!;
  const repeats = spec.repeats!;
  const file = JSON.parse(await readFile(spec.modelPath!, 'utf8')) as { algorithm: string; task: AdapterSpec['task']; preprocessing: { features: never[] }; model: unknown };
  const prep = Preprocessor.load(file.preprocessing);
  const predictor = loadNodeModel(file.algorithm, file.task, file.model);
  const { test } = splits[0];
  const rows = test.map((i) => cells[i]);
  const truth = test.map((i) => y[i]);
  const score = (table: Cell[][]) => {
    const x = prep.transform(table);
    const predicted = predictor.predict(x);
    const metrics = classes ? classificationMetrics(truth, predicted, classes.length, predictor.probabilities?.(x, classes.length)) : regressionMetrics(truth, predicted);
    if (metrics[metric] === undefined) throw new NodeDataError(`the model reports no ${metric} (it has ${Object.keys(metrics).join(', ')})`);
    return metrics[metric];
  };
  const lowerIsBetter = ['rmse', 'mae', 'log_loss'].includes(metric);
  const baseline = score(rows);
  const random = seededRandom(spec.seed);
  const importances: Record<string, { mean: number; std: number; values: number[] }> = {};
  spec.features.forEach((name, column) => {
    progress(0.2 + (0.8 * column) / spec.features.length, 'permuting', name);
    const values = Array.from({ length: repeats }, () => {
      const order = shuffled(rows.map((_, i) => i), random);
      const permuted = rows.map((row, i) => row.map((cell, c) => (c === column ? rows[order[i]][column] : cell)));
      const drop = baseline - score(permuted);
      return lowerIsBetter ? -drop : drop;
    });
    const mean = values.reduce((a, b) => a + b, 0) / repeats;
    importances[name] = { mean, std: Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / repeats), values };
  });
  emit({ type: 'importance', metric, baseline, rows: rows.length, importances });
  progress(1, 'done');
}

async function main(): Promise<number> {
  const lines = createInterface({ input: process.stdin });
  const first = await new Promise<string | null>((resolve) => {
    lines.once('line', resolve);
    lines.once('close', () => resolve(null));
  });
  lines.removeAllListeners('line');
  if (first === null) {
    emit({ type: 'error', kind: 'data', message: 'no spec on stdin: the adapter expects one JSON line' });
    return ADAPTER_EXIT_DATA_ERROR;
  }
  lines.once('close', () => process.exit(3));
  try {
    const spec = JSON.parse(first) as AdapterSpec;
    await (spec.mode === 'importance' ? importance(spec) : train(spec));
    return 0;
  } catch (error) {
    const data = error instanceof NodeDataError || error instanceof TableFormatError || error instanceof SyntaxError;
    emit({ type: 'error', kind: data ? 'data' : 'internal', message: (error as Error).message });
    if (!data) emit({ type: 'log', level: 'error', message: (error as Error).stack ?? String(error) });
    return data ? ADAPTER_EXIT_DATA_ERROR : 1;
  }
}

void main().then((code) => process.exit(code));
