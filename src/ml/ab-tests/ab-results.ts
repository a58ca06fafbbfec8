import { meanInterval, meanSampleSize, proportionSampleSize, sampleRatioMismatch, SRM_THRESHOLD, twoProportionZTest, welchTTest, wilsonInterval, Interval, ComparisonResult, SampleRatioCheck } from './ab-statistics';
import type { AbVariant, MetricKind } from './ab-test.entity';

/** What the database adds up for one variant: assigned units, and over the units with an outcome, their count, sum, mean and sample variance. */
export interface VariantAggregate {
  assigned: number;
  outcomes: number;
  sum: number;
  mean: number | null;
  variance: number | null;
}

export interface AbDesign {
  metricKind: MetricKind;
  alpha: number;
  power: number;
  minimumDetectableEffect: number | null;
  variants: AbVariant[];
}

export interface VariantResult {
  name: string;
  version: number;
  weight: number;
  control: boolean;
  /** Units assigned to the variant. */
  n: number;
  /** Units with an outcome: the observations every estimate and test below uses. */
  outcomes: number;
  successes?: number;
  rate?: number | null;
  mean?: number | null;
  standardDeviation?: number | null;
  interval: (Interval & { method: string; level: number }) | null;
  comparison: Comparison | null;
  sampleSize: { required: number; remaining: number } | null;
}

export type Comparison =
  | ({
      against: string;
      method: string;
      relativeDifference: number | null;
      significant: boolean;
      interval: Interval & { method: string; level: number };
      /** What `significant` is decided on, and whether the interval always agrees with it. */
      decidedBy: string;
    } & Omit<ComparisonResult, 'interval'>)
  | { against: string; method: string; reason: string };

export interface AbResults {
  metric: MetricKind;
  alpha: number;
  /** The level each comparison with the control is held to: alpha split evenly (Bonferroni) over the treatments. */
  comparisonAlpha: number;
  power: number;
  minimumDetectableEffect: number | null;
  variants: VariantResult[];
  sampleRatioMismatch: { method: SampleRatioCheck['method']; chiSquare: number; df: number; pValue: number; threshold: number; mismatch: boolean; expected: Record<string, number>; note: string | null } | null;
  /** Why no sample size is given, when none is. */
  sampleSizeNote: string | null;
  warnings: string[];
}

const EMPTY: VariantAggregate = { assigned: 0, outcomes: 0, sum: 0, mean: null, variance: null };

/**
 * The results of a test from its per-variant aggregates. Only units with an outcome enter the
 * estimates and tests (a unit with no outcome yet is not a 0: report 0 explicitly); the
 * sample-ratio check uses every assigned unit.
 */
export function summarise(design: AbDesign, aggregates: Map<string, VariantAggregate>): AbResults {
  const [control, ...treatments] = design.variants;
  const comparisonAlpha = design.alpha / Math.max(1, treatments.length);
  const proportion = design.metricKind === 'proportion';
  const of = (variant: AbVariant) => aggregates.get(variant.name) ?? EMPTY;
  const warnings: string[] = [];

  const planned = plan(design, comparisonAlpha, of);
  const controlAggregate = of(control);

  const variants = design.variants.map((variant, index): VariantResult => {
    const aggregate = of(variant);
    const base = { name: variant.name, version: variant.version, weight: variant.weight, control: index === 0, n: aggregate.assigned, outcomes: aggregate.outcomes };
    const sampleSize = planned.sizes.get(variant.name) ?? null;
    const comparison = index === 0 ? null : compare(design, comparisonAlpha, control.name, controlAggregate, aggregate);
    if (proportion) {
      const successes = Math.round(aggregate.sum);
      const interval = wilsonInterval({ successes, n: aggregate.outcomes }, design.alpha);
      return { ...base, successes, rate: aggregate.outcomes ? successes / aggregate.outcomes : null, interval: interval && { ...interval, method: 'wilson', level: 1 - design.alpha }, comparison, sampleSize };
    }
    const interval = aggregate.mean !== null && aggregate.variance !== null ? meanInterval({ mean: aggregate.mean, variance: aggregate.variance, n: aggregate.outcomes }, design.alpha) : null;
    return {
      ...base,
      mean: aggregate.mean,
      standardDeviation: aggregate.variance === null ? null : Math.sqrt(aggregate.variance),
      interval: interval && { ...interval, method: 't', level: 1 - design.alpha },
      comparison,
      sampleSize,
    };
  });

  const srm = sampleRatioMismatch(
    design.variants.map((v) => of(v).assigned),
    design.variants.map((v) => v.weight),
  );
  if (srm?.mismatch) warnings.push(`sample-ratio mismatch: the assignment counts are unlikely under the weights (${srm.method} p = ${srm.pValue.toPrecision(3)} < ${SRM_THRESHOLD}); find why units are lost or duplicated before trusting the comparison`);
  if (design.minimumDetectableEffect === null) {
    warnings.push(
      `no planned sample size (minimumDetectableEffect is not set): the p-values hold for one look at a sample size fixed in advance; checking them as outcomes arrive and stopping at the first one below ${comparisonAlpha} (peeking) makes a false positive far more likely than ${comparisonAlpha}`,
    );
  }
  for (const result of variants) {
    if (result.sampleSize && result.sampleSize.remaining > 0) {
      warnings.push(`${result.name} needs ${result.sampleSize.remaining} more outcomes to detect a difference of ${design.minimumDetectableEffect} with power ${design.power}`);
    }
  }

  return {
    metric: design.metricKind,
    alpha: design.alpha,
    comparisonAlpha,
    power: design.power,
    minimumDetectableEffect: design.minimumDetectableEffect,
    variants,
    sampleRatioMismatch: srm && {
      method: srm.method,
      chiSquare: srm.chiSquare,
      df: srm.df,
      pValue: srm.pValue,
      threshold: SRM_THRESHOLD,
      mismatch: srm.mismatch,
      expected: Object.fromEntries(design.variants.map((v, i) => [v.name, srm.expected[i]])),
      note: srm.note,
    },
    sampleSizeNote: planned.note,
    warnings,
  };
}

function compare(design: AbDesign, alpha: number, against: string, control: VariantAggregate, treatment: VariantAggregate): Comparison {
  const level = 1 - alpha;
  if (design.metricKind === 'proportion') {
    const method = 'two-proportion z-test (pooled)';
    const result = twoProportionZTest({ successes: Math.round(control.sum), n: control.outcomes }, { successes: Math.round(treatment.sum), n: treatment.outcomes }, alpha);
    if (!result) return { against, method, reason: 'needs outcomes in both variants, and not all of them equal' };
    const base = control.sum / control.outcomes;
    return {
      against,
      method,
      ...result,
      relativeDifference: base > 0 ? result.difference / base : null,
      significant: result.pValue < alpha,
      interval: { ...result.interval, method: 'wald (unpooled)', level },
      decidedBy: "the pooled z-test's p-value; the interval uses the unpooled standard error, so near the threshold it can include 0 for a significant difference or exclude it for one that is not",
    };
  }
  const method = "Welch's t-test";
  const result =
    control.mean !== null && control.variance !== null && treatment.mean !== null && treatment.variance !== null
      ? welchTTest({ mean: control.mean, variance: control.variance, n: control.outcomes }, { mean: treatment.mean, variance: treatment.variance, n: treatment.outcomes }, alpha)
      : null;
  if (!result) return { against, method, reason: 'needs two outcomes in each variant, and some variance' };
  return {
    against,
    method,
    ...result,
    relativeDifference: control.mean ? result.difference / Math.abs(control.mean) : null,
    significant: result.pValue < alpha,
    interval: { ...result.interval, method: 'welch t', level },
    decidedBy: "Welch's t-test's p-value; the interval uses the same standard error and degrees of freedom, so it excludes 0 exactly when the difference is significant",
  };
}

/**
 * Outcomes each variant needs for the planned effect: each treatment against the control with the
 * allocation ratio its weight gives; the control needs the most any of those comparisons asks.
 * The baseline (rate, or variances) is estimated from the outcomes so far.
 */
function plan(design: AbDesign, alpha: number, of: (v: AbVariant) => VariantAggregate): { sizes: Map<string, { required: number; remaining: number }>; note: string | null } {
  const sizes = new Map<string, { required: number; remaining: number }>();
  const mde = design.minimumDetectableEffect;
  if (mde === null) return { sizes, note: 'set minimumDetectableEffect when creating the test to get the sample size each variant needs' };
  const [control, ...treatments] = design.variants;
  const c = of(control);
  if (design.metricKind === 'proportion' ? c.outcomes < 1 : c.outcomes < 2 || c.variance === null) {
    return { sizes, note: `the control needs ${design.metricKind === 'proportion' ? 'an outcome' : 'two outcomes'} to estimate the baseline the sample size depends on` };
  }
  let controlRequired = 0;
  for (const treatment of treatments) {
    const t = of(treatment);
    const ratio = treatment.weight / control.weight;
    const perControl =
      design.metricKind === 'proportion'
        ? proportionSampleSize(c.sum / c.outcomes, mde, alpha, design.power, ratio)
        : meanSampleSize(c.variance!, t.outcomes >= 2 && t.variance !== null ? t.variance : c.variance!, mde, alpha, design.power, ratio);
    if (perControl === null) return { sizes: new Map(), note: 'the outcomes so far have no variance to plan with' };
    controlRequired = Math.max(controlRequired, perControl);
    const required = Math.ceil(perControl * ratio);
    sizes.set(treatment.name, { required, remaining: Math.max(0, required - t.outcomes) });
  }
  sizes.set(control.name, { required: controlRequired, remaining: Math.max(0, controlRequired - c.outcomes) });
  return { sizes, note: null };
}
