import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../platform/config/app-config';
import { DependencyUnavailableError } from '../../platform/errors/app-error';
import { ShutdownCoordinator } from '../../platform/shutdown/shutdown-coordinator';
import { AdapterRuntimeService } from '../adapters/adapter-runtime.service';
import { PythonJsonLinesProcess, PythonProcessExitError } from '../adapters/python-json-lines-process';
import type { SamplerKind, SearchSpace } from './search-space';
import type { Direction, PrunerSpec } from './study.entity';

/** What every request names: Optuna stores the study and its trials, not how it samples or prunes. */
export interface OptunaStudy {
  name: string;
  direction: Direction;
  sampler: SamplerKind;
  pruner: PrunerSpec | null;
  seed: number;
  searchSpace: SearchSpace;
}

/** A trial as Optuna asked it: its number in the study, Optuna's own id for it, the sampled parameters. */
export interface AskedTrial {
  number: number;
  trialId: number;
  params: Record<string, unknown>;
}

type Reply = { ok: true; result: Record<string, unknown> } | { ok: false; error: string };

/** A request Optuna has not answered in this long is stuck (a lost database connection): the process is replaced. */
const REQUEST_TIMEOUT_MS = 60_000;

const INSTALL_HINT = 'install Debian\'s python3-optuna python3-sqlalchemy python3-psycopg2 (npm test does it as root), or set PYTHON_BIN to an interpreter that has them';

/** DATABASE_URL as SQLAlchemy takes it, with Optuna's tables in their own schema (created by the migrations). */
export function optunaStorageUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set('options', '-csearch_path=optuna');
  return `postgresql+psycopg2://${url.href.slice(url.protocol.length + 2)}`;
}

/**
 * Optuna, behind one small class: a long-lived `python -m mcp_hub_adapter hpo` process started on first
 * use and again after it exits. It keeps no state (studies live in PostgreSQL), so a restart loses nothing.
 */
@Injectable()
export class OptunaClient implements OnModuleInit {
  private readonly logger = new Logger('Optuna');
  private process?: PythonJsonLinesProcess<Reply>;
  /** The start in progress, shared by the calls that arrive meanwhile (one process, not one each). */
  private starting?: Promise<PythonJsonLinesProcess<Reply>>;

  constructor(
    private readonly config: AppConfig,
    private readonly runtimes: AdapterRuntimeService,
    private readonly coordinator: ShutdownCoordinator,
  ) {}

  onModuleInit(): void {
    this.coordinator.register({ phase: 'connections', name: 'optuna-process', close: async () => void (await this.process?.stop(2_000)) });
  }

  async create(study: OptunaStudy): Promise<void> {
    await this.call('create', study);
  }

  async ask(study: OptunaStudy): Promise<AskedTrial> {
    return (await this.call('ask', study)) as unknown as AskedTrial;
  }

  /** Reports an intermediate value; true when the pruner says the trial should stop. */
  async report(study: OptunaStudy, trialId: number, step: number, value: number): Promise<boolean> {
    return ((await this.call('report', study, { trialId, step, value })) as { prune: boolean }).prune;
  }

  /** Finishes a trial; a trial Optuna already finished is left as it is (never counted twice). */
  async tell(study: OptunaStudy, number: number, state: 'complete' | 'pruned' | 'failed', value?: number): Promise<void> {
    await this.call('tell', study, { number, state, ...(value !== undefined ? { value } : {}) });
  }

  /** The trials Optuna holds as running. */
  async running(study: OptunaStudy): Promise<AskedTrial[]> {
    return ((await this.call('running', study)) as { trials: AskedTrial[] }).trials;
  }

  /** Optuna's parameter importances (fANOVA); null with fewer than two complete trials. */
  async importances(study: OptunaStudy): Promise<Record<string, number> | null> {
    return ((await this.call('importances', study)) as { importances: Record<string, number> | null }).importances;
  }

  private async call(op: string, study: OptunaStudy, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const process = await this.started();
    let reply: Reply;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timedOut = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          process.kill();
          reject(new DependencyUnavailableError('optuna', `Optuna did not answer ${op} for study ${study.name} within ${REQUEST_TIMEOUT_MS / 1000} s; its process was restarted`));
        }, REQUEST_TIMEOUT_MS);
      });
      reply = await Promise.race([process.request({ op, study, ...extra }), timedOut]);
    } catch (error) {
      if (error instanceof PythonProcessExitError) throw new DependencyUnavailableError('optuna', `The Optuna process stopped: ${error.message}`, INSTALL_HINT);
      throw error;
    } finally {
      clearTimeout(timer);
    }
    // Optuna's failures are its storage's (PostgreSQL) or its own: the request was checked before it was sent
    if (!reply.ok) throw new DependencyUnavailableError('optuna', `Optuna ${op} for study ${study.name} failed: ${reply.error}`);
    return reply.result;
  }

  private async started(): Promise<PythonJsonLinesProcess<Reply>> {
    if (this.process?.isAlive) {
      await this.process.ready.catch(() => undefined);
      if (this.process.isAlive) return this.process;
    }
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async start(): Promise<PythonJsonLinesProcess<Reply>> {
    const bin = await this.runtimes.pythonFor('sklearn');
    const process = new PythonJsonLinesProcess<Reply>(bin, ['hpo'], 'Optuna process', { env: { MCP_HUB_OPTUNA_STORAGE: optunaStorageUrl(this.config.database.url) } });
    this.process = process;
    void process.exited.then(({ code, signal }) => this.logger.log(`Optuna process ${process.pid} exited (${signal ?? `code ${code}`})`));
    try {
      const ready = await process.ready;
      this.logger.log(`Optuna process ${ready.pid} started (Python ${ready.python})`);
      return process;
    } catch (error) {
      throw new DependencyUnavailableError('optuna', `Optuna is not available: ${(error as Error).message}`, INSTALL_HINT);
    }
  }
}
