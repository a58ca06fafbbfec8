import type { ModelSignature } from '../registry/registry.entities';

export interface ServedVersion {
  model: { name: string; description: string | null };
  version: { version: number; stage: string; description: string | null; metrics: Record<string, number>; signature: ModelSignature };
  /** What the tool asks the predictor for: `production` or an alias. */
  ref: string;
}

/** Metrics an agent can judge a model by, in this order when present. */
const KEY_METRICS = ['accuracy', 'f1_macro', 'roc_auc', 'precision_macro', 'recall_macro', 'r2', 'rmse', 'mae'];
const MAX_CLASSES_LISTED = 20;
const MAX_COLUMNS_LISTED = 30;
const MAX_TEXT = 400;

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const round = (value: number) => (Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4))));

export function keyMetrics(metrics: Record<string, number>): [string, number][] {
  const finite = Object.entries(metrics).filter(([, value]) => typeof value === 'number' && Number.isFinite(value));
  const known = KEY_METRICS.flatMap((name) => finite.filter(([key]) => key === name));
  return known.length ? known : finite.sort(([a], [b]) => a.localeCompare(b)).slice(0, 4);
}

/** The title of a model's tool: model name, version and where it is served from. */
export function modelToolTitle({ model, version, ref }: ServedVersion): string {
  return `${model.name} v${version.version} (${ref === 'production' ? 'Production' : ref})`;
}

/**
 * What an agent reads to decide whether and how to call a model's tool: what it predicts, which
 * version answers, the descriptions given at registration, the classes, the validation metrics and
 * the columns to send.
 */
export function modelToolDescription(served: ServedVersion, maxRows: number): string {
  const { model, version, ref } = served;
  const output = version.signature.output;
  const where = ref === 'production' ? 'the Production version' : `alias "${ref}"`;
  const lines = [`Predicts ${output ? `"${output.name}"` : 'an output'} with the registered model "${model.name}", version ${version.version} (${where}).`];
  for (const text of [model.description, version.description]) if (text?.trim()) lines.push(clip(text.trim(), MAX_TEXT));
  if (output?.task === 'classification') {
    const classes = output.classes ?? [];
    const listed = classes.slice(0, MAX_CLASSES_LISTED).join(', ');
    const more = classes.length > MAX_CLASSES_LISTED ? ` and ${classes.length - MAX_CLASSES_LISTED} more` : '';
    lines.push(`Classification${classes.length ? ` into ${listed}${more}` : ''}; each prediction comes with class probabilities when the model gives them.`);
  } else if (output?.task === 'regression') {
    lines.push(`Regression: each prediction is a number (${output.type}).`);
  }
  const metrics = keyMetrics(version.metrics);
  if (metrics.length) lines.push(`Validation metrics: ${metrics.map(([key, value]) => `${key} ${round(value)}`).join(', ')}.`);
  const inputs = version.signature.inputs;
  const columns = inputs.slice(0, MAX_COLUMNS_LISTED).map((input) => `${input.name} (${input.type})`).join(', ');
  const more = inputs.length > MAX_COLUMNS_LISTED ? ` and ${inputs.length - MAX_COLUMNS_LISTED} more (see the input schema)` : '';
  lines.push(`Send rows: 1 to ${maxRows} objects, each with every column: ${columns}${more}.`);
  return lines.join('\n');
}
