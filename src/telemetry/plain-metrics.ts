import type { Metric, MetricValueWithName, Registry } from 'prom-client';

type Labels = Record<string, string>;

/** What the registry reads from a metric at scrape time. */
interface MetricValues {
  name: string;
  help: string;
  type: string;
  aggregator: string;
  values: MetricValueWithName<string>[];
}

interface CounterSeries {
  labels: Labels;
  value: number;
}

interface HistogramSeries {
  labels: Labels;
  /** Observations per bucket (not cumulative), the last one past every bound (+Inf). */
  buckets: number[];
  sum: number;
  count: number;
}

/**
 * The registry's side of a metric kept as plain numbers: prom-client hashes and validates the label
 * set on every `inc` or `observe`, which for a metric fed on every tool call was a measurable part of
 * the call. Here the caller holds the series it feeds (its labels already bounded and sanitised), an
 * update is an addition, and the registry reads the series at scrape time. The exposition is the same
 * as prom-client's Counter and Histogram.
 */
abstract class PlainMetric<S extends { labels: Labels }> {
  readonly aggregator = 'sum';
  private readonly all = new Map<string, S>();

  constructor(
    readonly name: string,
    readonly help: string,
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  protected seriesOf(labels: Labels, create: () => S): S {
    const key = Object.values(labels).join('\0');
    let series = this.all.get(key);
    if (!series) this.all.set(key, (series = create()));
    return series;
  }

  protected everySeries(): IterableIterator<S> {
    return this.all.values();
  }

  /** Zeroes every series in place (rather than dropping them as prom-client does), so the handles callers hold stay live. */
  reset(): void {
    for (const series of this.all.values()) this.zero(series);
  }

  protected abstract zero(series: S): void;
}

export class PlainCounter extends PlainMetric<CounterSeries> {
  readonly type = 'counter';

  /** The series of these labels; `inc` on it counts. */
  series(labels: Labels): { inc: (by?: number) => void } {
    const series = this.seriesOf(labels, () => ({ labels, value: 0 }));
    // like prom-client, a count only grows and stays a number
    return { inc: (by = 1) => void (Number.isFinite(by) && by > 0 && (series.value += by)) };
  }

  get(): MetricValues {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: [...this.everySeries()].map(({ labels, value }) => ({ labels, value })) };
  }

  protected zero(series: CounterSeries): void {
    series.value = 0;
  }
}

export class PlainHistogram extends PlainMetric<HistogramSeries> {
  readonly type = 'histogram';

  constructor(
    name: string,
    help: string,
    private readonly upperBounds: number[],
    registry: Registry,
  ) {
    super(name, help, registry);
  }

  /** The series of these labels; `observe` on it records a value. */
  series(labels: Labels): { observe: (value: number) => void } {
    const series = this.seriesOf(labels, () => ({ labels, buckets: new Array<number>(this.upperBounds.length + 1).fill(0), sum: 0, count: 0 }));
    const bounds = this.upperBounds;
    return {
      observe: (value: number) => {
        if (!Number.isFinite(value)) return;
        let bucket = 0;
        while (bucket < bounds.length && value > bounds[bucket]) bucket++;
        series.buckets[bucket]++;
        series.sum += value;
        series.count++;
      },
    };
  }

  get(): MetricValues {
    const values: MetricValueWithName<string>[] = [];
    for (const { labels, buckets, sum, count } of this.everySeries()) {
      let cumulative = 0;
      this.upperBounds.forEach((le, i) => values.push({ labels: { le, ...labels }, value: (cumulative += buckets[i]), metricName: `${this.name}_bucket` }));
      values.push({ labels: { le: '+Inf', ...labels }, value: count, metricName: `${this.name}_bucket` });
      values.push({ labels, value: sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  protected zero(series: HistogramSeries): void {
    series.buckets.fill(0);
    series.sum = 0;
    series.count = 0;
  }
}
