import { FeatureInfo } from '../adapter-protocol';

export type Cell = number | string | null;

type NumericFeature = { name: string; kind: 'number'; mean: number; std: number };
type CategoryFeature = { name: string; kind: 'category'; categories: string[] };
type Feature = NumericFeature | CategoryFeature;

/**
 * Standardises numeric features (missing → the training mean) and one-hot encodes categories
 * (unknown or missing → all zeros), fitted on training rows only.
 */
export class Preprocessor {
  private constructor(readonly features: Feature[]) {}

  static fit(rows: Cell[][], info: FeatureInfo[]): Preprocessor {
    const features: Feature[] = info.map((f, column) => {
      const values = rows.map((r) => r[column]).filter((v): v is number | string => v !== null);
      if (f.type === 'number') {
        const numbers = values.map(Number);
        const mean = numbers.reduce((a, b) => a + b, 0) / (numbers.length || 1);
        const variance = numbers.reduce((a, b) => a + (b - mean) ** 2, 0) / (numbers.length || 1);
        return { name: f.name, kind: 'number', mean, std: Math.sqrt(variance) || 1 };
      }
      return { name: f.name, kind: 'category', categories: [...new Set(values.map(String))].sort() };
    });
    return new Preprocessor(features);
  }

  static load(state: { features: Feature[] }): Preprocessor {
    return new Preprocessor(state.features);
  }

  transform(rows: Cell[][]): number[][] {
    return rows.map((row) =>
      this.features.flatMap((f, column) => {
        const value = row[column];
        if (f.kind === 'number') return [value === null ? 0 : (Number(value) - f.mean) / f.std];
        return f.categories.map((c) => (value !== null && String(value) === c ? 1 : 0));
      }),
    );
  }

  toJSON(): { features: Feature[] } {
    return { features: this.features };
  }
}
