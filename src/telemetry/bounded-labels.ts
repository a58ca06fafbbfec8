/** Longest label value kept; longer ones are cut and end in `…`. */
export const MAX_LABEL_LENGTH = 128;
/** The value every label of a new label set gets once a metric holds its maximum number of series. */
export const OVERFLOW_LABEL = 'other';

// control, format (bidi overrides, zero-width) and line/paragraph separator characters
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** A label value fit for the exposition format: no control characters, at most MAX_LABEL_LENGTH characters. */
export function sanitizeLabelValue(value: unknown): string {
  const text = String(value ?? '').replace(INVISIBLE, '');
  if (text.length <= MAX_LABEL_LENGTH) return text;
  const chars = [...text];
  return chars.length <= MAX_LABEL_LENGTH ? text : `${chars.slice(0, MAX_LABEL_LENGTH - 1).join('')}…`;
}

/**
 * The label sets of one metric, at most `maxSeries` of them. Every series a metric has stays in memory
 * and in each scrape for the life of the process, so a value an outsider can choose must not open a
 * new one without limit: once the metric is full, a label set not seen before is recorded with every
 * label set to `other` (one extra series). `onFull` runs the first time that happens.
 */
export class BoundedLabels<L extends string> {
  private readonly seen = new Set<string>();
  private full = false;

  constructor(
    private readonly names: readonly L[],
    private readonly maxSeries: number,
    private readonly onFull: () => void = () => undefined,
  ) {}

  get size(): number {
    return this.seen.size;
  }

  /** The labels to record `values` under. Callers on a hot path keep the result (HubMetrics keeps each series it resolved). */
  resolve(values: Record<L, unknown>): Record<L, string> {
    const labels = {} as Record<L, string>;
    for (const name of this.names) labels[name] = sanitizeLabelValue(values[name]);
    // sanitised values hold no control characters, so NUL cannot occur inside one
    const key = this.names.map((name) => labels[name]).join('\0');
    if (this.seen.has(key)) return labels;
    if (this.seen.size < this.maxSeries) {
      this.seen.add(key);
      return labels;
    }
    if (!this.full) {
      this.full = true;
      this.onFull();
    }
    for (const name of this.names) labels[name] = OVERFLOW_LABEL;
    return labels;
  }
}
