import { FeatureInfo, Task } from '../adapters/adapter-protocol';
import { ModelVersion, SignatureInput } from '../registry/registry.entities';
import { ModelNotServableError } from './inference.errors';

export type ServingRuntime = 'node' | 'sklearn' | 'torch';

/** A registered version as serving sees it: where it runs, what rows it takes, what it answers. */
export interface ServedModel {
  name: string;
  version: number;
  versionId: string;
  sha256: string;
  artifactKey: string;
  runtime: ServingRuntime;
  inputs: SignatureInput[];
  task: Task;
  classes: string[] | null;
}

/** A Node adapter's model.json. */
export interface NodeModelFile {
  format: 'mcp-hub/node-mljs';
  algorithm: string;
  task: Task;
  classes: string[] | null;
  features: FeatureInfo[];
  preprocessing: { features: unknown[] };
  model: unknown;
}

/** What serving needs of a model.json besides the model itself: its columns, task and classes. */
export type NodeModelShape = Pick<NodeModelFile, 'features' | 'task' | 'classes'>;

const RUNTIME_BY_EXTENSION: Record<string, ServingRuntime> = { json: 'node', pkl: 'sklearn', pt: 'torch' };

export const fileNameOf = (version: ModelVersion) => version.artifactKey.split('/').pop()!;

/** The runtime that loads the version's file, by the name the adapters give it (model.json, model.pkl, model.pt). */
export function runtimeOf(version: ModelVersion): ServingRuntime | undefined {
  const extension = fileNameOf(version).split('.').pop()!.toLowerCase();
  return RUNTIME_BY_EXTENSION[extension];
}

/**
 * A version trained by the hub carries its signature. One registered from a file uploaded to a run
 * has none: it is served only when the file is a Node model.json (plain JSON naming its features,
 * so nothing runs on load and its inputs are known); a pickle or torch file from outside would run
 * arbitrary code when loaded, and its inputs could not be checked.
 */
export function servedModelOf(name: string, version: ModelVersion, nodeFile?: NodeModelShape): ServedModel {
  const runtime = runtimeOf(version);
  const base = { name, version: version.version, versionId: version.id, sha256: version.artifactSha256, artifactKey: version.artifactKey };
  const output = version.signature?.output;
  if (output) {
    if (!runtime) throw new ModelNotServableError(name, version.version, `its file ${fileNameOf(version)} is in no format the hub serves (model.json, model.pkl, model.pt)`);
    return { ...base, runtime, inputs: version.signature.inputs, task: output.task as Task, classes: output.classes ?? null };
  }
  if (runtime !== 'node') {
    throw new ModelNotServableError(
      name,
      version.version,
      `it was registered from ${fileNameOf(version)}, uploaded to a run: its input columns are unknown, and loading a pickled or torch file from outside would run its code. Serve a model trained by the hub (register its training job), or upload a Node model.json (format mcp-hub/node-mljs)`,
    );
  }
  if (!nodeFile) throw new Error('servedModelOf: a Node version without a signature needs its model.json');
  return { ...base, runtime, inputs: signatureOfNodeFile(nodeFile), task: nodeFile.task, classes: nodeFile.classes };
}

/** Inputs from a model.json's features: numbers, and categories (with their values when the file lists them). */
export function signatureOfNodeFile(file: Pick<NodeModelFile, 'features'>): SignatureInput[] {
  return file.features.map((f) => (f.type === 'number' ? { name: f.name, type: 'number' } : { name: f.name, type: 'string', ...(f.categories ? { categories: f.categories } : {}) }));
}

/** Parses and checks a model.json; throws ModelNotServableError naming what is wrong. */
export function parseNodeModelFile(name: string, version: number, body: Buffer): NodeModelFile {
  let file: Partial<NodeModelFile>;
  try {
    file = JSON.parse(body.toString('utf8')) as Partial<NodeModelFile>;
  } catch {
    throw new ModelNotServableError(name, version, 'its model.json is not valid JSON');
  }
  if (file?.format !== 'mcp-hub/node-mljs') throw new ModelNotServableError(name, version, 'its model.json is not in the mcp-hub/node-mljs format');
  if (!Array.isArray(file.features) || !file.preprocessing || !file.algorithm || !file.task) throw new ModelNotServableError(name, version, 'its model.json lacks features, preprocessing, algorithm or task');
  return file as NodeModelFile;
}
