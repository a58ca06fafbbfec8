import { csvField, formatChunk, headerOf, outputColumns } from './batch-output';

const classes = ['setosa', 'versicolor', 'virginica'];
const answer = {
  predictions: ['setosa', 'virginica'],
  probabilities: [
    { setosa: 0.97, versicolor: 0.03, virginica: 0 },
    { virginica: 0.8, setosa: 0.05, versicolor: 0.15 },
  ],
};

describe('outputColumns', () => {
  it('is the id, the prediction and one probability column per class in the signature order', () => {
    expect(outputColumns(null, classes, answer)).toEqual(['row', 'prediction', 'probability_setosa', 'probability_versicolor', 'probability_virginica']);
    expect(outputColumns('sample_id', null, { predictions: ['b'], probabilities: [{ b: 0.6, a: 0.4 }] })).toEqual(['sample_id', 'prediction', 'probability_b', 'probability_a']);
  });

  it('has no probability columns for a regressor', () => {
    expect(outputColumns(null, null, { predictions: [1.5], probabilities: null })).toEqual(['row', 'prediction']);
  });
});

describe('formatChunk', () => {
  const columns = outputColumns(null, classes, answer);

  it('writes CSV rows in input order, probabilities under their own class whatever order the model gave', () => {
    expect(headerOf('csv', columns)).toBe('row,prediction,probability_setosa,probability_versicolor,probability_virginica\n');
    expect(formatChunk('csv', columns, [1, 2], answer)).toBe('1,setosa,0.97,0.03,0\n2,virginica,0.05,0.15,0.8\n');
  });

  it('writes JSON Lines with the same columns and typed values', () => {
    expect(headerOf('jsonl', columns)).toBe('');
    const lines = formatChunk('jsonl', ['id', 'prediction'], ['a,1', 'b'], { predictions: [12.5, 3], probabilities: null }).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { id: 'a,1', prediction: 12.5 },
      { id: 'b', prediction: 3 },
    ]);
  });

  it('refuses an answer that does not fit: another row count or a class the first chunk did not have', () => {
    expect(() => formatChunk('csv', columns, [1], answer)).toThrow('2 predictions for 1 rows');
    expect(() => formatChunk('csv', columns, [1], { predictions: ['x'], probabilities: [{ x: 1 }] })).toThrow('not one of the classes of the first chunk');
  });

  it('writes nothing for an empty chunk', () => {
    expect(formatChunk('csv', columns, [], { predictions: [], probabilities: [] })).toBe('');
  });
});

describe('csvField', () => {
  it('quotes commas, quotes, line breaks and edge spaces, and leaves the rest', () => {
    expect(['plain', 'a,b', 'say "hi"', 'two\nlines', ' pad', 3.25, null, true].map(csvField)).toEqual(['plain', '"a,b"', '"say ""hi"""', '"two\nlines"', '" pad"', '3.25', '', 'true']);
  });
});
