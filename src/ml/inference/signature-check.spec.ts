import { SignatureInput } from '../registry/registry.entities';
import { checkRows, MAX_PROBLEMS, toColumns } from './signature-check';

const inputs: SignatureInput[] = [
  { name: 'age', type: 'integer' },
  { name: 'bmi', type: 'number' },
  { name: 'smoker', type: 'boolean' },
  { name: 'region', type: 'string', categories: ['north', 'south'] },
  { name: 'note', type: 'string' },
];
const fieldOf = (row: number, column?: string) => `instances[${row}]${column ? `.${column}` : ''}`;
const good = { age: 40, bmi: 22.5, smoker: false, region: 'north', note: 'anything' };

describe('checkRows', () => {
  it('accepts rows that match, with null as a missing value and extra columns ignored', () => {
    expect(checkRows([good, { ...good, bmi: null, region: null, extra: [1] }], inputs, fieldOf)).toEqual([]);
  });

  it('names the row, the column and the reason for a missing column, a wrong type and an unknown category', () => {
    const { bmi: _bmi, ...noBmi } = good;
    const problems = checkRows([good, noBmi, { ...good, age: '40' }, { ...good, smoker: 'yes', region: 'east' }, { ...good, note: 7 }], inputs, fieldOf);
    expect(problems).toEqual([
      { field: 'instances[1].bmi', reason: 'missing column (the model takes a number)' },
      { field: 'instances[2].age', reason: 'wrong type: expected a number, got the string "40"' },
      { field: 'instances[3].smoker', reason: 'wrong type: expected true or false, got the string "yes"' },
      { field: 'instances[3].region', reason: 'unknown category "east": the model knows "north", "south"' },
      { field: 'instances[4].note', reason: 'wrong type: expected a string, got number 7' },
    ]);
  });

  it('stops listing after MAX_PROBLEMS', () => {
    const rows = Array.from({ length: 100 }, () => ({}));
    expect(checkRows(rows, inputs, fieldOf)).toHaveLength(MAX_PROBLEMS);
  });
});

describe('toColumns', () => {
  it('lays the rows out by column in signature order, leaving other columns out', () => {
    expect(toColumns([good, { ...good, age: 50, extra: 1 }], inputs.slice(0, 2))).toEqual({ age: [40, 50], bmi: [22.5, 22.5] });
  });
});
