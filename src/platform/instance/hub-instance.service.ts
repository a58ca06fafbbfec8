import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AppConfig } from '../config/app-config';
import { ShutdownCoordinator } from '../shutdown/shutdown-coordinator';
import { HubInstance } from './hub-instance.entity';
import { InstanceRole } from './instance-role';
import { HUB_VERSION } from '../version';

const HEARTBEAT_MS = 10_000;
/** A running row not refreshed for this long belongs to a process that died without saying so. */
const DEAD_AFTER_MS = 3 * HEARTBEAT_MS;
const MAX_LISTED = 200;

/** A running hub as `GET /api/workspaces` lists it (mcp-hub's entry, plus what tells instances apart). */
export interface WorkspaceEntry {
  id: string;
  cwd: string | null;
  config_files: string[];
  pid: number;
  port: number | null;
  hostname: string;
  version: string;
  startTime: string;
  lastSeenAt: string | null;
  /** active: it answers its heartbeat; dead: it stopped without deregistering (crash, SIGKILL). */
  state: 'active' | 'dead';
  current: boolean;
}

/** Records this process in hub_instances at boot, refreshes it while it runs, and marks it stopped in the `flush` phase. */
@Injectable()
export class HubInstanceService implements OnApplicationBootstrap {
  private readonly logger = new Logger('HubInstance');
  readonly id = uuidv7();
  readonly startedAt = new Date();
  private heartbeat?: NodeJS.Timeout;

  constructor(
    @InjectRepository(HubInstance) private readonly instances: Repository<HubInstance>,
    private readonly role: InstanceRole,
    private readonly config: AppConfig,
    coordinator: ShutdownCoordinator,
  ) {
    coordinator.register({ phase: 'flush', name: 'instance-record', close: () => this.markStopped() });
  }

  async onApplicationBootstrap(): Promise<void> {
    const api = this.role.role === 'api';
    await this.instances.insert({
      id: this.id,
      role: this.role.role,
      hostname: hostname(),
      pid: process.pid,
      version: HUB_VERSION,
      startedAt: this.startedAt,
      stoppedAt: null,
      stopReason: null,
      port: api ? this.config.http.port : null,
      workspace: api ? this.config.mcp.workspace : null,
      configFiles: api ? this.config.mcp.serversConfigPaths.map((path) => resolve(path)) : null,
      lastSeenAt: new Date(),
    });
    // per process on purpose: each instance says it is alive in its own row (a shared job could not)
    this.heartbeat = setInterval(() => {
      this.instances.update({ id: this.id }, { lastSeenAt: new Date() }).catch((error: Error) => this.logger.warn(`Heartbeat failed: ${error.message}`));
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
    this.logger.log(`Registered ${this.role.role} instance ${this.id}`);
  }

  /** Hubs (api instances) that have not stopped, newest first; those that stopped answering are marked dead. */
  async workspaces(now = Date.now()): Promise<WorkspaceEntry[]> {
    const rows = await this.instances.find({ where: { role: 'api', stoppedAt: IsNull() }, order: { startedAt: 'DESC' }, take: MAX_LISTED });
    const here = hostname();
    return rows.map((row) => ({
      id: row.id,
      cwd: row.workspace,
      config_files: row.configFiles ?? [],
      pid: row.pid,
      port: row.port,
      hostname: row.hostname,
      version: row.version,
      startTime: row.startedAt.toISOString(),
      lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
      state: row.id === this.id || (isFresh(row, now) && !(row.hostname === here && !processAlive(row.pid))) ? 'active' : 'dead',
      current: row.id === this.id,
    }));
  }

  private async markStopped(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.instances.update({ id: this.id }, { stoppedAt: new Date(), stopReason: 'shutdown' });
  }
}

function isFresh(row: HubInstance, now: number): boolean {
  return row.lastSeenAt !== null && now - row.lastSeenAt.getTime() < DEAD_AFTER_MS;
}

/** Whether a process of this host runs under that pid (signal 0 only checks). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
