"""Baseline of `npm run bench:batch`: the adapter's serving code predicting a CSV in chunks, no hub.

    python3 bench/batch_baseline.py <model.pkl> <sha256> <input.csv> <output.csv> <chunk rows>

pandas reads the file chunk by chunk, the same module the hub's Python workers run (mcp_hub_adapter.serve)
loads the model and predicts, and each chunk's id, prediction and class probabilities are appended to
the output CSV. Prints one JSON line: rows, seconds (from after the imports and the model load, as a
warm hub worker has them), peak RSS.
"""
import json
import resource
import sys
import time

import pandas as pd

from mcp_hub_adapter.serve import load

FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


def main(model_file, sha256, source, target, chunk_rows):
    model = load({"path": model_file, "sha256": sha256, "format": "sklearn"})
    started = time.monotonic()
    rows = 0
    with open(target, "w", newline="") as out:
        for frame in pd.read_csv(source, chunksize=int(chunk_rows)):
            predictions, classes, probabilities = model.predict(frame[FEATURES])
            result = pd.DataFrame({"id": frame["id"].to_numpy(), "prediction": predictions})
            for index, name in enumerate(classes or []):
                result[f"probability_{name}"] = [p[index] for p in probabilities]
            result.to_csv(out, header=rows == 0, index=False)
            rows += len(frame)
    seconds = time.monotonic() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rows": rows, "seconds": seconds, "peakRssMb": peak_kb / 1024}))


if __name__ == "__main__":
    main(*sys.argv[1:6])
