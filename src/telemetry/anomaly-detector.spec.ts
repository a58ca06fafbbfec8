import { AnomalyDetector } from './anomaly-detector';

/** Deterministic jitter so tests do not depend on Math.random. */
const jitter = (i: number) => ((i * 7919) % 100) / 100;

describe('AnomalyDetector (EWMA baseline, z-score threshold)', () => {
  it('stays quiet while warming up and for values inside the usual spread', () => {
    const detector = new AnomalyDetector();
    for (let i = 0; i < 200; i++) expect(detector.observe('everything/echo', 1 + jitter(i), false)).toEqual([]);
  });

  it('flags a latency far above the baseline, with its z-score', () => {
    const detector = new AnomalyDetector();
    for (let i = 0; i < 100; i++) detector.observe('s/t', 10 + jitter(i), false);
    const [anomaly] = detector.observe('s/t', 200, false);
    expect(anomaly).toMatchObject({ key: 's/t', metric: 'latency', value: 200 });
    expect(anomaly.baseline).toBeGreaterThan(10);
    expect(anomaly.baseline).toBeLessThan(11);
    expect(anomaly.zScore).toBeGreaterThan(4);
  });

  it('grades severity by how far past the baseline: info just past the threshold, then warn, then error', () => {
    const warmed = () => {
      const detector = new AnomalyDetector();
      for (let i = 0; i < 100; i++) detector.observe('a', 10 + jitter(i), false);
      return detector;
    };
    const { baseline, stdDev } = warmed().observe('a', 200, false)[0];
    const graded = [5, 7, 12].map((z) => warmed().observe('a', baseline + z * stdDev, false)[0]);
    expect(graded.map((a) => [Math.round(a.zScore), a.severity])).toEqual([
      [5, 'info'],
      [7, 'warn'],
      [12, 'error'],
    ]);
  });

  it('flags a burst of failures as an error-rate anomaly', () => {
    const detector = new AnomalyDetector();
    for (let i = 0; i < 200; i++) detector.observe('s/t', 10 + jitter(i), i % 50 === 0);
    const found = [];
    for (let i = 0; i < 10; i++) found.push(...detector.observe('s/t', 10 + jitter(i), true));
    expect(found.some((a) => a.metric === 'error_rate')).toBe(true);
  });

  it('keeps keys apart and lets a lasting change become the new normal', () => {
    const detector = new AnomalyDetector();
    for (let i = 0; i < 100; i++) {
      detector.observe('fast', 1 + jitter(i), false);
      detector.observe('slow', 1000 + jitter(i) * 100, false);
    }
    expect(detector.observe('slow', 1050, false)).toEqual([]);
    let alarms = 0;
    for (let i = 0; i < 300; i++) alarms += detector.observe('fast', 50 + jitter(i), false).length;
    expect(alarms).toBeGreaterThan(0);
    expect(detector.observe('fast', 50.5, false)).toEqual([]);
  });
});
