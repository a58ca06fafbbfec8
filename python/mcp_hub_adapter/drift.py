"""`python3 -m mcp_hub_adapter drift`: per-column drift between a reference and a current dataset.

One JSON spec line on stdin, one JSON answer line on stdout. Tests and thresholds follow Evidently's
defaults: with either sample of at most `smallSample` rows, Kolmogorov-Smirnov (numeric) and
chi-square on the 2 x categories table (categorical), drifted when p < `pValue`; above it, the
Wasserstein distance divided by the reference's standard deviation (numeric) and the Jensen-Shannon
distance (categorical), drifted when >= `distance`. PSI for every column, over the reference's
deciles (numeric) or the categories: `psiWatch` watch, `psiDrift` drift. scipy computes each statistic.
"""
import json
import sys

from .protocol import write_line

PSI_EPSILON = 0.0001


def _shares(reference, current, edges=None):
    import numpy as np

    if edges is None:
        categories = sorted(set(reference) | set(current), key=str)
        ref = np.array([sum(1 for v in reference if v == c) for c in categories], dtype=float)
        cur = np.array([sum(1 for v in current if v == c) for c in categories], dtype=float)
        return ref, cur, [str(c) for c in categories]
    ref = np.histogram(reference, bins=edges)[0].astype(float)
    cur = np.histogram(current, bins=edges)[0].astype(float)
    return ref, cur, None


def psi(ref_counts, cur_counts):
    import numpy as np

    ref = np.maximum(ref_counts / ref_counts.sum(), PSI_EPSILON)
    cur = np.maximum(cur_counts / cur_counts.sum(), PSI_EPSILON)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def numeric_column(reference, current, t):
    import numpy as np
    from scipy import stats

    small = min(len(reference), len(current)) <= t["smallSample"]
    # decile edges of the reference, widened to hold every current value
    edges = np.unique(np.quantile(reference, np.linspace(0, 1, 11)))
    edges[0], edges[-1] = min(edges[0], np.min(current)), max(edges[-1], np.max(current))
    ref_counts, cur_counts, _ = _shares(reference, current, edges)
    result = {"kind": "numeric", "psi": psi(ref_counts, cur_counts), "histogram": {"edges": edges.tolist(), "reference": ref_counts.tolist(), "current": cur_counts.tolist()}}
    if small:
        test = stats.ks_2samp(reference, current)
        result.update(test="ks", statistic=float(test.statistic), pValue=float(test.pvalue), drifted=bool(test.pvalue < t["pValue"]))
    else:
        norm = max(float(np.std(reference)), 0.001)
        distance = float(stats.wasserstein_distance(reference, current)) / norm
        result.update(test="wasserstein", statistic=distance, pValue=None, drifted=bool(distance >= t["distance"]))
    return result


def categorical_column(reference, current, t):
    import numpy as np
    from scipy import stats
    from scipy.spatial import distance

    small = min(len(reference), len(current)) <= t["smallSample"]
    ref_counts, cur_counts, categories = _shares(reference, current)
    result = {"kind": "categorical", "psi": psi(ref_counts, cur_counts), "histogram": {"categories": categories, "reference": ref_counts.tolist(), "current": cur_counts.tolist()}}
    if small:
        if len(categories) < 2:
            result.update(test="chi-square", statistic=0.0, pValue=1.0, drifted=False)
        else:
            chi2, p, _dof, _expected = stats.chi2_contingency(np.array([ref_counts, cur_counts]))
            result.update(test="chi-square", statistic=float(chi2), pValue=float(p), drifted=bool(p < t["pValue"]))
    else:
        js = float(distance.jensenshannon(ref_counts / ref_counts.sum(), cur_counts / cur_counts.sum()))
        result.update(test="jensen-shannon", statistic=js, pValue=None, drifted=bool(js >= t["distance"]))
    return result


def run():
    from . import data

    spec = json.loads(sys.stdin.readline())
    reference = data.load_frame(spec["reference"])
    current = data.load_frame(spec["current"])
    t = spec["thresholds"]
    columns = []
    for column in spec["columns"]:
        name = column["name"]
        if name not in reference.columns or name not in current.columns:
            columns.append({"name": name, "error": "not in both datasets"})
            continue
        ref, cur = reference[name].dropna(), current[name].dropna()
        if len(ref) == 0 or len(cur) == 0:
            columns.append({"name": name, "error": "no values in one of the datasets"})
            continue
        if column["kind"] == "numeric":
            result = numeric_column(ref.to_numpy(dtype=float), cur.to_numpy(dtype=float), t)
        else:
            result = categorical_column(ref.astype(str).tolist(), cur.astype(str).tolist(), t)
        result["psiLevel"] = "drift" if result["psi"] >= t["psiDrift"] else "watch" if result["psi"] >= t["psiWatch"] else "ok"
        columns.append({"name": name, "referenceRows": int(len(ref)), "currentRows": int(len(cur)), **result})
    import resource

    # ru_maxrss is in kilobytes on Linux
    write_line({"type": "drift", "columns": columns, "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})
    return 0
