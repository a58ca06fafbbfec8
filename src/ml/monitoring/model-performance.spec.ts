import { performanceOf } from './model-performance';

describe('performanceOf', () => {
  it("judges a classifier on accuracy against the version's recorded value, labels compared as text", () => {
    // 6 of 8 right: accuracy 0.75 against a recorded 0.9 is 16.7% worse
    const result = performanceOf('classification', ['a', 'a', 'b', 'b', 1, 1, 'a', 'b'], ['a', 'a', 'b', 'b', '1', '1', 'b', 'a'], { accuracy: 0.9 }, 0.1);
    expect(result).toMatchObject({ metric: 'accuracy', reference: 0.9, current: 0.75, decayed: true, rows: 8 });
    expect(result.decline).toBeCloseTo(0.15 / 0.9, 12);
    // macro F1 over the labels 1, a, b (as scikit-learn's f1_score(average="macro")): 1, 2/3, 2/3
    expect(result.metrics.f1_macro).toBeCloseTo(7 / 9, 12);
  });

  it('judges a regressor on rmse, where larger is worse', () => {
    const result = performanceOf('regression', [1, 2, 3, 4], [1, 2, 3, 6], { rmse: 0.5 }, 0.1);
    expect(result.current).toBeCloseTo(1, 12);
    expect(result).toMatchObject({ metric: 'rmse', decline: 1, decayed: true });
    expect(performanceOf('regression', [1, 2], [1.1, 2.1], { rmse: 0.5 }, 0.1)).toMatchObject({ decayed: false });
    expect(performanceOf('regression', [1, 2], [1.1, 2.1], { rmse: 0.5 }, 0.1).decline).toBeCloseTo(-0.8, 12);
  });

  it('reports without judging when the version recorded no such metric, and treats any error after a perfect 0 as a decay', () => {
    expect(performanceOf('classification', ['a'], ['a'], {}, 0.1)).toMatchObject({ reference: null, decline: null, decayed: false, current: 1 });
    expect(performanceOf('regression', [1, 2], [1, 2.5], { rmse: 0 }, 0.1)).toMatchObject({ reference: 0, decline: null, decayed: true });
    expect(performanceOf('regression', [1, 2], [1, 2], { rmse: 0 }, 0.1)).toMatchObject({ decayed: false });
  });
});
