/** Tuning of the detector; the defaults suit tool latencies of milliseconds to seconds. */
export interface AnomalyOptions {
  /** Weight of the newest observation in the moving averages. */
  alpha: number;
  /** How many standard deviations above the baseline count as an anomaly. */
  zThreshold: number;
  /** Observations a key needs before it can raise anomalies. */
  warmup: number;
  /** z-scores from which an anomaly's severity is warn, then error (below warnZ it is info). */
  warnZ: number;
  errorZ: number;
}

export const DEFAULT_ANOMALY_OPTIONS: AnomalyOptions = { alpha: 0.05, zThreshold: 4, warmup: 30, warnZ: 6, errorZ: 10 };

export type AnomalySeverity = 'info' | 'warn' | 'error';

export interface Anomaly {
  key: string;
  metric: 'latency' | 'error_rate';
  value: number;
  baseline: number;
  stdDev: number;
  zScore: number;
  /** How far past the baseline: info just past zThreshold, warn from warnZ, error from errorZ. */
  severity: AnomalySeverity;
}

interface Baseline {
  count: number;
  mean: number;
  variance: number;
}

interface KeyState {
  latency?: Baseline;
  errors?: Baseline;
  rate: number;
}

/**
 * EWMA baseline with a z-score threshold, per key and metric. Each observation is compared with the
 * exponentially weighted mean and variance of the ones before it; it is an anomaly when it lies more
 * than zThreshold standard deviations above the mean. Anomalous values still update the baseline,
 * so a lasting change becomes the new normal instead of alarming forever. The error rate is the EWMA
 * of 0/1 outcomes, checked the same way against its own slower baseline.
 */
export class AnomalyDetector {
  /** Per key: the latency and error-rate baselines and the fast error rate; one lookup per observation. */
  private readonly keys = new Map<string, KeyState>();

  constructor(private readonly options: AnomalyOptions = DEFAULT_ANOMALY_OPTIONS) {}

  /** Feeds one tool call; returns the anomalies it reveals (none while warming up). */
  observe(key: string, latencyMs: number, failed: boolean): Anomaly[] {
    let state = this.keys.get(key);
    if (!state) this.keys.set(key, (state = { rate: 0 }));
    const anomalies: Anomaly[] = [];
    const latency = this.update(state, 'latency', latencyMs, this.options.alpha);
    if (latency) anomalies.push({ key, metric: 'latency', ...latency });
    // a fast EWMA of 0/1 outcomes, starting from "no errors"
    const rate = (state.rate += this.options.alpha * 4 * ((failed ? 1 : 0) - state.rate));
    const errors = this.update(state, 'errors', rate, this.options.alpha / 4);
    if (errors && rate > 0.2) anomalies.push({ key, metric: 'error_rate', ...errors });
    return anomalies;
  }

  private severity(zScore: number): AnomalySeverity {
    return zScore >= this.options.errorZ ? 'error' : zScore >= this.options.warnZ ? 'warn' : 'info';
  }

  private update(state: KeyState, metric: 'latency' | 'errors', value: number, alpha: number): Omit<Anomaly, 'key' | 'metric'> | undefined {
    const baseline = state[metric];
    if (!baseline) {
      state[metric] = { count: 1, mean: value, variance: 0 };
      return undefined;
    }
    const stdDev = Math.sqrt(baseline.variance);
    const zScore = stdDev > 0 ? (value - baseline.mean) / stdDev : 0;
    const result =
      baseline.count >= this.options.warmup && zScore > this.options.zThreshold
        ? { value, baseline: baseline.mean, stdDev, zScore: Math.round(zScore * 100) / 100, severity: this.severity(zScore) }
        : undefined;
    const diff = value - baseline.mean;
    const increment = alpha * diff;
    baseline.mean += increment;
    baseline.variance = (1 - alpha) * (baseline.variance + diff * increment);
    baseline.count++;
    return result;
  }
}
