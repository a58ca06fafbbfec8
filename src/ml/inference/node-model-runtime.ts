import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../platform/config/app-config';
import { loadNodeModel, NodePredictor } from '../adapters/node/node-models';
import { Preprocessor } from '../adapters/node/preprocessing';
import { InputRow, Predictions } from './model-predictor';
import { LruCache } from './lru-cache';
import { NodeModelFile, NodeModelShape } from './served-model';

interface LoadedNodeModel {
  shape: NodeModelShape;
  preprocessor: Preprocessor;
  predictor: NodePredictor;
  classes: string[] | null;
  featureNames: string[];
  numeric: boolean[];
}

/**
 * Node (mljs) models served in-process: each model.json loaded once with its mljs class's static
 * load and kept in an LRU (SERVING_MODEL_CACHE_SIZE) keyed by the file's SHA-256.
 */
@Injectable()
export class NodeModelRuntime {
  private readonly models: LruCache<string, LoadedNodeModel>;

  constructor(config: AppConfig) {
    this.models = new LruCache(config.serving.modelCacheSize);
  }

  has(sha256: string): boolean {
    return this.models.has(sha256);
  }

  loaded(): string[] {
    return this.models.keys();
  }

  /** The columns, task and classes of a loaded model, so another route to the same file need not read it again. */
  shapeOf(sha256: string): NodeModelShape | undefined {
    return this.models.peek(sha256)?.shape;
  }

  load(sha256: string, file: NodeModelFile): void {
    if (this.models.has(sha256)) return;
    this.models.set(sha256, {
      shape: { features: file.features, task: file.task, classes: file.classes },
      preprocessor: Preprocessor.load(file.preprocessing as Parameters<typeof Preprocessor.load>[0]),
      predictor: loadNodeModel(file.algorithm, file.task, file.model),
      classes: file.classes,
      featureNames: file.features.map((f) => f.name),
      numeric: file.features.map((f) => f.type === 'number'),
    });
  }

  /** Undefined when the model is not loaded (evicted): load it, then ask again. */
  predict(sha256: string, rows: InputRow[]): Predictions | undefined {
    const model = this.models.get(sha256);
    if (!model) return undefined;
    const cells = rows.map((row) =>
      model.featureNames.map((name, i) => {
        const value = row[name];
        if (value === null || value === undefined) return null;
        return model.numeric[i] ? Number(value) : String(value);
      }),
    );
    const x = model.preprocessor.transform(cells);
    const raw = model.predictor.predict(x);
    const { classes } = model;
    if (!classes) return { predictions: raw.map(Number), probabilities: null };
    const probabilities = model.predictor.probabilities?.(x, classes.length);
    return {
      predictions: raw.map((index) => classes[index]),
      probabilities: probabilities ? probabilities.map((row) => Object.fromEntries(classes.map((c, i) => [c, row[i]]))) : null,
    };
  }
}
