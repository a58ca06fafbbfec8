import { assignVariant, unitPosition } from './ab-assignment';

describe('A/B assignment', () => {
  const variants = [
    { name: 'control', weight: 50 },
    { name: 'treatment', weight: 30 },
    { name: 'challenger', weight: 20 },
  ];
  const units = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);

  it('gives a unit the same variant on every call, and a position in [0, 1)', () => {
    for (const unit of units.slice(0, 500)) {
      const position = unitPosition('checkout', unit);
      expect(position).toBeGreaterThanOrEqual(0);
      expect(position).toBeLessThan(1);
      expect(unitPosition('checkout', unit)).toBe(position);
      expect(assignVariant('checkout', unit, variants).name).toBe(assignVariant('checkout', unit, [...variants]).name);
    }
  });

  it('splits 10,000 units within four standard errors of the weights', () => {
    const counts = new Map<string, number>();
    for (const unit of units) {
      const { name } = assignVariant('checkout', unit, variants);
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    for (const { name, weight } of variants) {
      const share = weight / 100;
      const standardError = Math.sqrt(units.length * share * (1 - share));
      expect(Math.abs((counts.get(name) ?? 0) - units.length * share)).toBeLessThan(4 * standardError);
    }
  });

  it('reshuffles units independently for another test name', () => {
    const same = units.filter((unit) => (unitPosition('checkout', unit) < 0.5) === (unitPosition('search-ranking', unit) < 0.5)).length;
    // independent halves agree on about half the units: 5000 ± 4 · 50
    expect(Math.abs(same - 5000)).toBeLessThan(200);
  });

  it('does not depend on where the name ends and the unit begins', () => {
    expect(unitPosition('ab', 'c')).not.toBe(unitPosition('a', 'bc'));
  });

  it('splits by fractional weights as well', () => {
    const tilted = [
      { name: 'a', weight: 0.9 },
      { name: 'b', weight: 0.1 },
    ];
    const b = units.filter((unit) => assignVariant('tilted', unit, tilted).name === 'b').length;
    expect(Math.abs(b - 1000)).toBeLessThan(4 * Math.sqrt(10_000 * 0.1 * 0.9));
  });
});
