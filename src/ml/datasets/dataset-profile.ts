import { RawRow, RawValue } from './table-reader';

export type ColumnType = 'integer' | 'number' | 'boolean' | 'string';

export interface ColumnProfile {
  name: string;
  type: ColumnType;
  missing: number;
  /** Distinct non-missing values, counted up to DISTINCT_CAP (then `distinctCapped`). */
  distinct: number;
  distinctCapped?: boolean;
  min?: number;
  max?: number;
  /** Up to five most frequent values of a string or boolean column. */
  top?: { value: string; count: number }[];
}

export const DISTINCT_CAP = 1000;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const INTEGER = /^[-+]?\d+$/;
const MISSING = new Set(['', 'na', 'nan', 'null', 'none', 'n/a']);

export function isMissing(value: RawValue | undefined): boolean {
  return value === null || value === undefined || (typeof value === 'string' && MISSING.has(value.trim().toLowerCase())) || (typeof value === 'number' && Number.isNaN(value));
}

/** The value as the column's type: numbers for numeric columns, strings otherwise; null when missing. */
export function coerce(value: RawValue | undefined, type: ColumnType): number | string | null {
  if (isMissing(value)) return null;
  if (type === 'integer' || type === 'number') return typeof value === 'number' ? value : Number(value);
  return String(value);
}

class ColumnStats {
  missing = 0;
  integer = true;
  numeric = true;
  boolean = true;
  min = Infinity;
  max = -Infinity;
  readonly counts = new Map<string, number>();
  capped = false;

  add(value: RawValue | undefined): void {
    if (isMissing(value)) {
      this.missing++;
      return;
    }
    const text = String(value).trim();
    if (typeof value === 'number' || NUMBER.test(text)) {
      const n = Number(text);
      if (!Number.isInteger(n) || !(typeof value === 'number' || INTEGER.test(text))) this.integer = false;
      this.min = Math.min(this.min, n);
      this.max = Math.max(this.max, n);
    } else {
      this.numeric = false;
      this.integer = false;
    }
    if (!(typeof value === 'boolean' || /^(true|false)$/i.test(text))) this.boolean = false;
    if (this.counts.has(text)) this.counts.set(text, this.counts.get(text)! + 1);
    else if (this.counts.size < DISTINCT_CAP) this.counts.set(text, 1);
    else this.capped = true;
  }

  profile(name: string): ColumnProfile {
    const seen = this.counts.size > 0;
    const type: ColumnType = !seen ? 'string' : this.boolean && !this.numeric ? 'boolean' : this.numeric ? (this.integer ? 'integer' : 'number') : 'string';
    const profile: ColumnProfile = { name, type, missing: this.missing, distinct: this.counts.size, ...(this.capped ? { distinctCapped: true } : {}) };
    if (type === 'integer' || type === 'number') Object.assign(profile, { min: this.min, max: this.max });
    else
      profile.top = [...this.counts.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, 5)
        .map(([value, count]) => ({ value, count }));
    return profile;
  }
}

/** Infers column names, types and missing counts from rows as they stream past. */
export class DatasetProfiler {
  private readonly columns = new Map<string, ColumnStats>();
  rowCount = 0;

  add(row: RawRow): void {
    for (const name of Object.keys(row)) if (!this.columns.has(name)) {
      const stats = new ColumnStats();
      stats.missing = this.rowCount;
      this.columns.set(name, stats);
    }
    for (const [name, stats] of this.columns) stats.add(row[name]);
    this.rowCount++;
  }

  profile(): ColumnProfile[] {
    return [...this.columns.entries()].map(([name, stats]) => stats.profile(name));
  }
}

/** classification for text and boolean targets and for integer targets with few distinct values. */
export function inferTask(target: ColumnProfile): 'classification' | 'regression' {
  if (target.type === 'string' || target.type === 'boolean') return 'classification';
  if (target.type === 'integer' && target.distinct <= 10) return 'classification';
  return 'regression';
}
