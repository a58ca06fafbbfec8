import { classificationMetrics, logLoss, meanOverFolds, regressionMetrics, rocAuc } from './metrics';

// Expected values computed with scikit-learn 1.2 on the same inputs.
describe('classification metrics', () => {
  it('matches scikit-learn on a three-class example', () => {
    const truth = [0, 0, 1, 1, 2, 2, 2, 0];
    const predicted = [0, 1, 1, 1, 2, 0, 2, 0];
    const m = classificationMetrics(truth, predicted, 3);
    expect(m.accuracy).toBeCloseTo(0.75, 10);
    expect(m.precision_macro).toBeCloseTo(0.7777777778, 8);
    expect(m.recall_macro).toBeCloseTo(0.7777777778, 8);
    expect(m.f1_macro).toBeCloseTo(0.7555555556, 8);
  });

  it('computes ROC AUC with ties and log loss', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 10);
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])).toBeCloseTo(0.875, 10);
    expect(logLoss([0, 1], [[0.9, 0.1], [0.2, 0.8]])).toBeCloseTo(0.1642520335, 8);
    const binary = classificationMetrics([0, 1, 1, 0], [0, 1, 0, 0], 2, [[0.8, 0.2], [0.3, 0.7], [0.6, 0.4], [0.9, 0.1]]);
    expect(binary.roc_auc).toBe(1);
    expect(binary.log_loss).toBeGreaterThan(0);
  });
});

describe('regression metrics', () => {
  it('matches scikit-learn', () => {
    const m = regressionMetrics([3, -0.5, 2, 7], [2.5, 0, 2, 8]);
    expect(m.rmse).toBeCloseTo(0.6123724357, 8);
    expect(m.mae).toBeCloseTo(0.5, 10);
    expect(m.r2).toBeCloseTo(0.9486081370, 8);
  });

  it('averages folds over the metrics every fold has', () => {
    expect(meanOverFolds([{ a: 1, b: 2 }, { a: 3 }])).toEqual({ a: 2 });
  });
});
