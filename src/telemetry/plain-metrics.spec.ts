import { Counter, Histogram, Registry } from 'prom-client';
import { PlainCounter, PlainHistogram } from './plain-metrics';

const BUCKETS = [0.001, 0.01, 0.1, 1];

describe('PlainCounter and PlainHistogram', () => {
  it("expose exactly what prom-client's Counter and Histogram expose for the same updates", async () => {
    const [plain, reference] = [new Registry(), new Registry()];
    const counter = new PlainCounter('hub_events_total', 'Events', plain);
    const histogram = new PlainHistogram('hub_call_seconds', 'Calls', BUCKETS, plain);
    const referenceCounter = new Counter({ name: 'hub_events_total', help: 'Events', labelNames: ['type'], registers: [reference] });
    const referenceHistogram = new Histogram({ name: 'hub_call_seconds', help: 'Calls', labelNames: ['server', 'tool'], buckets: BUCKETS, registers: [reference] });
    const values = [0.0005, 0.001, 0.002, 0.05, 0.1, 0.5, 1, 3, 0];
    for (const [i, value] of values.entries()) {
      const labels = { server: `s${i % 2}`, tool: 'echo' };
      histogram.series(labels).observe(value);
      referenceHistogram.observe(labels, value);
      counter.series({ type: `t${i % 3}` }).inc();
      referenceCounter.inc({ type: `t${i % 3}` });
    }
    counter.series({ type: 't0' }).inc(5);
    referenceCounter.inc({ type: 't0' }, 5);
    // what prom-client refuses with an error is ignored here: a hot path must not throw, nor a sum turn NaN
    histogram.series({ server: 's0', tool: 'echo' }).observe(Number.NaN);
    histogram.series({ server: 's0', tool: 'echo' }).observe(Number.POSITIVE_INFINITY);
    counter.series({ type: 't0' }).inc(-1);
    expect(() => referenceHistogram.observe({ server: 's0', tool: 'echo' }, Number.NaN)).toThrow();
    expect(() => referenceCounter.inc({ type: 't0' }, -1)).toThrow();
    expect(await plain.metrics()).toBe(await reference.metrics());
    // prom-client adds empty exemplars, which these metrics do not keep
    const withoutExemplars = (json: unknown) => JSON.parse(JSON.stringify(json, (key, value: unknown) => (key === 'exemplar' ? undefined : value)));
    expect(await plain.getMetricsAsJSON()).toEqual(withoutExemplars(await reference.getMetricsAsJSON()));
  });

  it('share one series between equal label sets, and start from zero on reset with the series held still live', async () => {
    const registry = new Registry();
    const counter = new PlainCounter('hub_events_total', 'Events', registry);
    const histogram = new PlainHistogram('hub_call_seconds', 'Calls', BUCKETS, registry);
    const held = counter.series({ type: 'a' });
    held.inc();
    counter.series({ type: 'a' }).inc(2);
    histogram.series({ tool: 'echo' }).observe(0.5);
    expect(await registry.metrics()).toMatch(/^hub_events_total\{type="a"\} 3$/m);
    registry.resetMetrics();
    held.inc();
    const text = await registry.metrics();
    expect(text).toMatch(/^hub_events_total\{type="a"\} 1$/m);
    expect(text).toMatch(/^hub_call_seconds_count\{tool="echo"\} 0$/m);
    expect(text).toMatch(/^hub_call_seconds_bucket\{le="1",tool="echo"\} 0$/m);
  });
});
