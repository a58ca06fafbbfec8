import { Injectable } from '@nestjs/common';
import { ModelVersion } from '../registry/registry.entities';
import { ModelIntegrityError, PredictionFailedError } from './inference.errors';
import { InputRow, Predictions } from './model-predictor';
import { ModelFiles } from './model-files';
import { NodeModelRuntime } from './node-model-runtime';
import { PythonServingPool, ServeFailure } from './python-serving-pool';
import { ServeModelRef } from './python-serve-process';
import { parseNodeModelFile, runtimeOf, ServedModel, servedModelOf } from './served-model';
import { toColumns } from './signature-check';

/** A version made ready to answer: loaded in-process (Node) or on the Python workers. */
export interface PreparedModel {
  served: ServedModel;
  version: ModelVersion;
  python?: ServeModelRef;
}

/** Loads versions onto the runtime their file needs and runs predictions there. */
@Injectable()
export class ServingRuntimes {
  constructor(
    private readonly files: ModelFiles,
    private readonly node: NodeModelRuntime,
    private readonly pool: PythonServingPool,
  ) {}

  /** Reads, verifies and loads the version; throws 409 for a file the hub cannot serve, 503 when its runtime is missing. */
  async prepare(name: string, version: ModelVersion): Promise<PreparedModel> {
    if (runtimeOf(version) === 'node') {
      const shape = this.node.shapeOf(version.artifactSha256);
      if (shape) return { served: servedModelOf(name, version, shape), version };
      const file = parseNodeModelFile(name, version.version, await this.files.read(name, version));
      const served = servedModelOf(name, version, file);
      this.node.load(served.sha256, file);
      return { served, version };
    }
    const served = servedModelOf(name, version);
    const python: ServeModelRef = { sha256: served.sha256, path: await this.files.localCopy(served, version), format: served.runtime as 'sklearn' | 'torch' };
    await this.warmPython(served, python);
    return { served, version, python };
  }

  async predict(model: PreparedModel, rows: InputRow[]): Promise<Predictions> {
    const { served } = model;
    if (!model.python) {
      let result = this.node.predict(served.sha256, rows);
      if (!result) {
        await this.prepare(served.name, model.version);
        result = this.node.predict(served.sha256, rows)!;
      }
      return result;
    }
    try {
      const answer = await this.pool.predict(model.python, toColumns(rows, served.inputs), rows.length);
      const { classes, probabilities } = answer;
      return {
        predictions: answer.predictions,
        probabilities: classes && probabilities ? probabilities.map((row) => Object.fromEntries(classes.map((c, i) => [c, row[i]]))) : null,
      };
    } catch (error) {
      throw this.translate(served, error);
    }
  }

  private async warmPython(served: ServedModel, ref: ServeModelRef): Promise<void> {
    try {
      await this.pool.warm(ref);
    } catch (error) {
      throw this.translate(served, error);
    }
  }

  private translate(served: ServedModel, error: unknown): unknown {
    if (!(error instanceof ServeFailure)) return error;
    if (error.kind === 'integrity') {
      this.files.forget(served.sha256);
      return new ModelIntegrityError(served.name, served.version, error.message);
    }
    if (error.kind === 'data') return new PredictionFailedError(served.name, served.version, error.message);
    return new Error(`Python serving failed for version ${served.version} of "${served.name}": ${error.message}`);
  }
}
