import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DatasetProfiler } from '../datasets/dataset-profile';
import { readRows } from '../datasets/table-reader';

/**
 * Writes a CSV stream to a file while hashing it and profiling its rows (as registering a dataset
 * does), at the pace of the slower of the two: the profiler's backlog is bounded by the stream's
 * buffers, not the file's size.
 */
export async function profiledCopy(source: Readable, path: string): Promise<{ sha256: string; sizeBytes: number; profiler: DatasetProfiler }> {
  const hash = createHash('sha256');
  const profiler = new DatasetProfiler();
  const rows = new PassThrough();
  const stop = new AbortController();
  let sizeBytes = 0;
  const profiling = (async () => {
    for await (const row of readRows(rows, 'csv')) profiler.add(row);
  })();
  profiling.catch((error: Error) => stop.abort(error));
  const tee = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      sizeBytes += chunk.length;
      if (rows.write(chunk)) return done(null, chunk);
      once(rows, 'drain').then(() => done(null, chunk), done);
    },
    flush(done) {
      rows.end();
      done();
    },
  });
  try {
    await pipeline(source, tee, createWriteStream(path), { signal: stop.signal });
  } catch (error) {
    rows.destroy(error as Error);
    throw stop.signal.aborted ? (stop.signal.reason as Error) : error;
  }
  await profiling;
  return { sha256: hash.digest('hex'), sizeBytes, profiler };
}
