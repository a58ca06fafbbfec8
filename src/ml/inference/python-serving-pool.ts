import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../platform/config/app-config';
import { ShutdownCoordinator } from '../../platform/shutdown/shutdown-coordinator';
import { AdapterUnavailableError } from '../adapters/adapter-errors';
import { AdapterRuntimeService } from '../adapters/adapter-runtime.service';
import { PredictionUnavailableError, ServingBusyError } from './inference.errors';
import { MicroBatcher } from './micro-batcher';
import { PythonServeProcess, ServeModelRef, ServeProcessExitError, ServeReady, ServeReply } from './python-serve-process';
import { Cell } from './signature-check';

/** Predictions for a batch's rows as the Python worker answered them. */
export interface PythonPrediction {
  predictions: (string | number)[];
  classes: string[] | null;
  probabilities: number[][] | null;
}

/** A worker answered a request with a failure of its own (integrity, data, internal). */
export class ServeFailure extends Error {
  constructor(
    readonly kind: 'data' | 'integrity' | 'internal',
    message: string,
  ) {
    super(message);
  }
}

interface PoolItem {
  model: ServeModelRef;
  columns: Record<string, Cell[]>;
  rows: number;
  attempts: number;
  done: boolean;
  timer?: NodeJS.Timeout;
  resolve(result: PythonPrediction): void;
  reject(error: Error): void;
}

type SlotState = 'starting' | 'loading' | 'ready' | 'restarting' | 'stopped';

interface Slot {
  index: number;
  process?: PythonServeProcess;
  state: SlotState;
  restarts: number;
  /** Consecutive exits without serving anything; the restart delay doubles with each. */
  failures: number;
  lastExit?: string;
  info?: ServeReady;
  /** What the process held when it died: its replacement loads these before it takes requests. */
  reload: ServeModelRef[];
}

export interface PoolStatus {
  interpreter: string | null;
  queued: number;
  workers: { slot: number; pid: number | null; state: SlotState; inFlight: number; restarts: number; loaded: string[]; lastExit?: string }[];
}

const RESTART_BASE_MS = 100;
const RESTART_MAX_MS = 5000;
const STOP_GRACE_MS = 5000;
/** A batch running this many request timeouts marks its worker as stuck. */
const STUCK_FACTOR = 3;

/**
 * The pool of long-lived Python serving processes (SERVING_PYTHON_WORKERS). Requests to one model are
 * coalesced by the MicroBatcher; a ready batch goes to an idle worker, one batch per worker at a time,
 * preferring a worker that has the model loaded. A worker that dies is restarted (with backoff) and
 * the requests it held are queued again once. The queue is bounded (SERVING_QUEUE_MAX → 503) and each
 * request has a deadline (SERVING_REQUEST_TIMEOUT_MS). Started on first use, so a hub without Python
 * serves Node models and answers Python ones with a 503 naming what to install.
 */
@Injectable()
export class PythonServingPool {
  private readonly logger = new Logger('PythonServingPool');
  private readonly batcher: MicroBatcher<PoolItem>;
  private readonly slots: Slot[] = [];
  private interpreter?: string;
  private starting?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly config: AppConfig,
    private readonly runtimes: AdapterRuntimeService,
    coordinator: ShutdownCoordinator,
  ) {
    this.batcher = new MicroBatcher<PoolItem>({ maxWaitMs: config.serving.batchWaitMs, maxRows: config.serving.batchMaxRows }, () => this.pump());
    coordinator.register({ phase: 'workers', name: 'serving-python-workers', close: () => this.stop() });
  }

  /** Predicts the rows (given as columns) with the model, through a batch. */
  async predict(model: ServeModelRef, columns: Record<string, Cell[]>, rows: number): Promise<PythonPrediction> {
    await this.ensureRunning(model.format);
    if (this.batcher.size >= this.config.serving.queueMax) throw new ServingBusyError(this.batcher.size);
    return new Promise<PythonPrediction>((resolve, reject) => {
      const item: PoolItem = { model, columns, rows, attempts: 0, done: false, resolve, reject };
      item.timer = setTimeout(() => {
        this.batcher.remove(item);
        this.settle(item, new PredictionUnavailableError('PREDICTION_TIMEOUT', `No answer from a Python worker within ${this.config.serving.requestTimeoutMs} ms (SERVING_REQUEST_TIMEOUT_MS); retry later`));
      }, this.config.serving.requestTimeoutMs);
      this.batcher.add(model.sha256, item);
    });
  }

  /** Loads the model on every running worker, so its first request is not cold; integrity and data failures are thrown. */
  async warm(model: ServeModelRef): Promise<void> {
    await this.ensureRunning(model.format);
    const ready = this.slots.filter((slot) => slot.state === 'ready' && slot.process);
    await Promise.all(
      ready.map(async (slot) => {
        try {
          const reply = await slot.process!.request({ op: 'load', model });
          this.check(reply);
          slot.process!.loaded.set(model.sha256, model);
        } catch (error) {
          // a worker that died meanwhile loads the model on its first request after the restart
          if (!(error instanceof ServeProcessExitError)) throw error;
        }
      }),
    );
  }

  status(): PoolStatus {
    return {
      interpreter: this.interpreter ?? null,
      queued: this.batcher.size,
      workers: this.slots.map((slot) => ({
        slot: slot.index,
        pid: slot.process?.pid ?? null,
        state: slot.state,
        inFlight: slot.process?.inFlight ?? 0,
        restarts: slot.restarts,
        loaded: slot.process?.loaded.keys() ?? [],
        ...(slot.lastExit ? { lastExit: slot.lastExit } : {}),
      })),
    };
  }

  /** Throws a 503 naming what to install when the interpreter lacks the runtime the model needs. */
  private async ensureRunning(format: 'sklearn' | 'torch'): Promise<void> {
    if (this.stopping) throw new PredictionUnavailableError('SERVING_STOPPED', 'The hub is shutting down; Python models are no longer served here');
    if (!this.starting) {
      this.starting = this.start();
      this.starting.catch(() => (this.starting = undefined));
    }
    await this.starting;
    const modules = this.slots.find((slot) => slot.info)?.info?.modules ?? (await this.anyReady()).modules;
    if (format === 'torch' && !modules.torch) {
      const report = await this.runtimes.check('torch');
      throw new AdapterUnavailableError('torch', ['torch'], report.hint ?? `install PyTorch for ${this.interpreter} (apt-get install python3-torch, or pip install torch)`, report.tried);
    }
  }

  private async start(): Promise<void> {
    await this.runtimes.assertAvailable('sklearn');
    this.interpreter = (await this.runtimes.check('torch')).available ? await this.runtimes.pythonFor('torch') : await this.runtimes.pythonFor('sklearn');
    for (let index = 0; index < this.config.serving.pythonWorkers; index++) {
      const slot: Slot = { index, state: 'starting', restarts: 0, failures: 0, reload: [] };
      this.slots.push(slot);
      this.spawn(slot);
    }
    await this.anyReady();
    this.logger.log(`Serving pool started: ${this.slots.length} Python workers (${this.interpreter})`);
  }

  /** Resolves with the first worker that comes up; rejects when every worker failed to start. */
  private anyReady(): Promise<ServeReady> {
    return Promise.any(this.slots.map((slot) => slot.process!.ready)).catch((error: AggregateError) => {
      throw new PredictionUnavailableError('SERVING_WORKER_FAILED', (error.errors[0] as Error)?.message ?? 'no Python serving process started');
    });
  }

  private spawn(slot: Slot): void {
    // a worker that has answered everything it was sent (a batch, or a warm-up's load) takes the next ready batch
    const child = new PythonServeProcess(this.interpreter!, this.config.serving.modelCacheSize, () => this.pump());
    slot.process = child;
    slot.state = 'starting';
    child.ready.then(
      async (info) => {
        if (slot.process !== child) return;
        slot.info = info;
        slot.state = 'loading';
        await this.reload(slot, child);
        if (slot.process !== child || !child.isAlive) return;
        slot.state = 'ready';
        this.pump();
      },
      () => undefined,
    );
    void child.exited.then((exit) => {
      if (slot.process !== child) return;
      if (child.loaded.size) slot.reload = child.loaded.values();
      slot.lastExit = `${exit.signal ?? `code ${exit.code}`} at ${new Date().toISOString()}${exit.stderrTail.length ? `: ${exit.stderrTail.slice(-2).join(' | ')}` : ''}`;
      if (this.stopping) {
        slot.state = 'stopped';
        return;
      }
      slot.failures++;
      slot.restarts++;
      slot.state = 'restarting';
      const delay = Math.min(RESTART_MAX_MS, RESTART_BASE_MS * 2 ** (slot.failures - 1));
      this.logger.warn(`Python serving worker ${slot.index} (pid ${child.pid}) exited (${slot.lastExit}); restarting in ${delay} ms`);
      setTimeout(() => !this.stopping && this.spawn(slot), delay).unref();
    });
  }

  /** A restarted worker loads the models its predecessor held (least recently used first), so its first requests are not cold. */
  private async reload(slot: Slot, child: PythonServeProcess): Promise<void> {
    for (const model of slot.reload) {
      if (!child.isAlive) continue;
      const reply = await child.request({ op: 'load', model }).catch(() => undefined);
      if (reply?.ok) child.loaded.set(model.sha256, model);
    }
    slot.reload = [];
  }

  /** Sends ready batches to idle workers, one batch per worker. */
  private pump(): void {
    if (this.stopping) return;
    for (const slot of this.slots) {
      const worker = slot.process;
      // a process that just died is still `ready` until its exit is handled: skip it, its slot restarts
      if (slot.state !== 'ready' || !worker?.isAlive || worker.inFlight > 0) continue;
      const batch = this.batcher.take((key) => worker.loaded.has(key));
      if (!batch) return;
      const items = batch.items.filter((item) => !item.done);
      if (items.length) void this.run(slot, worker, items);
    }
  }

  private async run(slot: Slot, worker: PythonServeProcess, items: PoolItem[]): Promise<void> {
    const model = items[0].model;
    const columns: Record<string, Cell[]> = {};
    for (const name of Object.keys(items[0].columns)) columns[name] = items.length === 1 ? items[0].columns[name] : items.flatMap((item) => item.columns[name]);
    // a worker still busy with one batch long after its requests gave up is stuck: kill it, the restart frees the slot
    const watchdog = setTimeout(() => {
      this.logger.warn(`Python serving worker ${slot.index} (pid ${worker.pid}) has not answered a batch in ${STUCK_FACTOR * this.config.serving.requestTimeoutMs} ms; killing it`);
      worker.kill();
    }, STUCK_FACTOR * this.config.serving.requestTimeoutMs);
    watchdog.unref();
    try {
      const reply = await worker.request({ op: 'predict', model, columns });
      this.check(reply);
      worker.loaded.set(model.sha256, model);
      slot.failures = 0;
      const answer = reply as Extract<ServeReply, { ok: true }>;
      let offset = 0;
      for (const item of items) {
        const end = offset + item.rows;
        this.settle(item, undefined, {
          predictions: answer.predictions!.slice(offset, end),
          classes: answer.classes ?? null,
          probabilities: answer.probabilities ? answer.probabilities.slice(offset, end) : null,
        });
        offset = end;
      }
    } catch (error) {
      if (error instanceof ServeProcessExitError) {
        const retry = items.filter((item) => !item.done && item.attempts === 0);
        for (const item of items) if (!retry.includes(item)) this.settle(item, new PredictionUnavailableError('SERVING_WORKER_FAILED', `${error.message}; the request had already been retried once`));
        retry.forEach((item) => (item.attempts += 1));
        this.batcher.requeue(model.sha256, retry);
      } else {
        for (const item of items) this.settle(item, error as Error);
      }
    } finally {
      clearTimeout(watchdog);
    }
  }

  private check(reply: ServeReply): void {
    if (!reply.ok) throw new ServeFailure(reply.kind, reply.message);
  }

  private settle(item: PoolItem, error?: Error, result?: PythonPrediction): void {
    if (item.done) return;
    item.done = true;
    clearTimeout(item.timer);
    if (error) item.reject(error);
    else item.resolve(result!);
  }

  /** Shutdown: requests in flight are answered, queued ones refused, then the processes exit. */
  private async stop(): Promise<void> {
    this.stopping = true;
    for (const item of this.batcher.drain()) this.settle(item, new PredictionUnavailableError('SERVING_STOPPED', 'The hub is shutting down; retry against another instance'));
    await Promise.all(this.slots.map((slot) => slot.process?.stop(STOP_GRACE_MS)));
  }
}
