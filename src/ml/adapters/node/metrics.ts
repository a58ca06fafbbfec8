/** Holdout metrics with the names and definitions scikit-learn uses, so both adapters report alike. */
export function classificationMetrics(truth: readonly number[], predicted: readonly number[], classCount: number, probabilities?: number[][]): Record<string, number> {
  const n = truth.length;
  let correct = 0;
  const tp = new Array<number>(classCount).fill(0);
  const fp = new Array<number>(classCount).fill(0);
  const fn = new Array<number>(classCount).fill(0);
  for (let i = 0; i < n; i++) {
    if (truth[i] === predicted[i]) {
      correct++;
      tp[truth[i]]++;
    } else {
      fp[predicted[i]]++;
      fn[truth[i]]++;
    }
  }
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const precision = tp.map((t, c) => ratio(t, t + fp[c]));
  const recall = tp.map((t, c) => ratio(t, t + fn[c]));
  const f1 = precision.map((p, c) => ratio(2 * p * recall[c], p + recall[c]));
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const result: Record<string, number> = {
    accuracy: correct / n,
    precision_macro: mean(precision),
    recall_macro: mean(recall),
    f1_macro: mean(f1),
  };
  if (probabilities) {
    result.log_loss = logLoss(truth, probabilities);
    if (classCount === 2 && new Set(truth).size === 2) result.roc_auc = rocAuc(truth, probabilities.map((p) => p[1]));
  }
  return result;
}

export function logLoss(truth: readonly number[], probabilities: number[][]): number {
  const eps = 1e-15;
  let total = 0;
  truth.forEach((c, i) => {
    const row = probabilities[i].map((p) => Math.min(1 - eps, Math.max(eps, p)));
    const sum = row.reduce((a, b) => a + b, 0);
    total -= Math.log(row[c] / sum);
  });
  return total / truth.length;
}

/** Area under the ROC curve as the probability that a positive outranks a negative (ties count half). */
export function rocAuc(truth: readonly number[], scores: readonly number[]): number {
  const order = scores.map((s, i) => ({ s, positive: truth[i] === 1 })).sort((a, b) => a.s - b.s);
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j].s === order[i].s) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (order[k].positive) {
      rankSum += averageRank;
      positives++;
    }
    i = j;
  }
  const negatives = order.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function regressionMetrics(truth: readonly number[], predicted: readonly number[]): Record<string, number> {
  const n = truth.length;
  const mean = truth.reduce((a, b) => a + b, 0) / n;
  let squared = 0;
  let absolute = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const error = truth[i] - predicted[i];
    squared += error * error;
    absolute += Math.abs(error);
    total += (truth[i] - mean) ** 2;
  }
  return { rmse: Math.sqrt(squared / n), mae: absolute / n, r2: total === 0 ? 0 : 1 - squared / total };
}

export function meanOverFolds(perFold: Record<string, number>[]): Record<string, number> {
  const keys = Object.keys(perFold[0]).filter((k) => perFold.every((f) => k in f));
  return Object.fromEntries(keys.sort().map((k) => [k, perFold.reduce((sum, f) => sum + f[k], 0) / perFold.length]));
}
