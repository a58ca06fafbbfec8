"""Baselines for bench/inference.ts with a Python model, using the very predict the hub's workers run
(mcp_hub_adapter.serve: load, frame_of, LoadedModel.predict).

  inference-floor.py loop <model> <sha256> <row-json> <count>   prints {"ms": [...]}: predict in a tight loop
  inference-floor.py serve <model> <sha256>                      HTTP server: POST {"instances": [row]} -> {"predictions"},
                                                                 one predict per request, no batching; prints "ready <port>"
"""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from mcp_hub_adapter.serve import frame_of, load


def columns_of(rows):
    return {name: [row[name] for row in rows] for name in rows[0]}


def main(argv):
    mode, path, sha = argv[0], argv[1], argv[2]
    kind = "torch" if path.endswith(".pt") else "sklearn"
    model = load({"path": path, "sha256": sha, "format": kind})
    if mode == "loop":
        row, count = json.loads(argv[3]), int(argv[4])
        timings = []
        for _ in range(count):
            started = time.perf_counter()
            model.predict(frame_of(columns_of([row])))
            timings.append((time.perf_counter() - started) * 1000)
        print(json.dumps({"ms": timings}))
        return 0

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # headers and body leave in two writes; with Nagle on, the second waits for a delayed ACK (~40 ms)
        disable_nagle_algorithm = True

        def do_POST(self):
            rows = json.loads(self.rfile.read(int(self.headers["content-length"])))["instances"]
            predictions, _, _ = model.predict(frame_of(columns_of(rows)))
            body = json.dumps({"predictions": predictions}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"ready {server.server_address[1]}", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
