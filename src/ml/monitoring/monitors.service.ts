import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { ConflictError, NotFoundError } from '../../platform/errors/app-error';
import { isUniqueViolation } from '../unique-violation';
import { thresholdsWith } from './drift-check';
import { DriftMonitor, DriftMonitorRun } from './drift-monitor.entity';
import { MONITOR_QUEUE, MonitorJobData } from './monitor-queue';
import { MonitorRunner } from './monitor-runner';
import { CreateMonitorDto } from './monitor.dto';

/** Drift monitors: created with their BullMQ job scheduler, run on it or on demand, their runs kept as a time series. */
@Injectable()
export class MonitorsService {
  constructor(
    @InjectRepository(DriftMonitor) private readonly monitors: Repository<DriftMonitor>,
    @InjectRepository(DriftMonitorRun) private readonly runs: Repository<DriftMonitorRun>,
    @InjectQueue(MONITOR_QUEUE) private readonly queue: Queue<MonitorJobData>,
    private readonly runner: MonitorRunner,
  ) {}

  async create(dto: CreateMonitorDto): Promise<DriftMonitor> {
    const thresholds = thresholdsWith(dto.thresholds);
    const monitor = this.monitors.create({ id: uuidv7(), name: dto.name, model: dto.model, ref: dto.ref ?? 'production', everySeconds: dto.everySeconds, windowSeconds: dto.windowSeconds ?? 86400, minRows: dto.minRows ?? 100, thresholds, createdAt: new Date() });
    try {
      await this.monitors.save(monitor);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError('MONITOR_EXISTS', `A monitor named ${dto.name} exists; choose another name`, { name: dto.name });
      throw error;
    }
    await this.queue.upsertJobScheduler(`monitor:${monitor.id}`, { every: monitor.everySeconds * 1000 }, { name: 'run', data: { monitorId: monitor.id }, opts: { removeOnComplete: true, removeOnFail: { count: 100 } } });
    return monitor;
  }

  list(): Promise<DriftMonitor[]> {
    return this.monitors.find({ order: { name: 'ASC' } });
  }

  async get(name: string): Promise<DriftMonitor & { lastRun: DriftMonitorRun | null }> {
    const monitor = await this.find(name);
    return { ...monitor, lastRun: await this.runs.findOne({ where: { monitorId: monitor.id }, order: { windowTo: 'DESC' } }) };
  }

  /** The monitor's runs, newest first: its time series. */
  async history(name: string, limit: number): Promise<DriftMonitorRun[]> {
    const monitor = await this.find(name);
    return this.runs.find({ where: { monitorId: monitor.id }, order: { windowTo: 'DESC' }, take: limit });
  }

  /** One run of the monitor, with the monitor: 404 for either unknown. */
  async runOf(name: string, runId: string): Promise<{ monitor: DriftMonitor; run: DriftMonitorRun }> {
    const monitor = await this.find(name);
    const run = await this.runs.findOneBy({ id: runId, monitorId: monitor.id });
    if (!run) throw new NotFoundError('monitor run', runId, 'MONITOR_RUN_NOT_FOUND');
    return { monitor, run };
  }

  /** Runs the monitor now, here, and answers with the run. */
  async runNow(name: string): Promise<DriftMonitorRun> {
    return this.runner.run(await this.find(name));
  }

  async remove(name: string): Promise<void> {
    const monitor = await this.find(name);
    await this.queue.removeJobScheduler(`monitor:${monitor.id}`);
    await this.monitors.delete({ id: monitor.id });
  }

  /** The latest run of every monitor, for health. */
  async latestRuns(): Promise<{ monitor: DriftMonitor; run: DriftMonitorRun | null }[]> {
    const monitors = await this.monitors.find();
    return Promise.all(monitors.map(async (monitor) => ({ monitor, run: await this.runs.findOne({ where: { monitorId: monitor.id }, order: { windowTo: 'DESC' } }) })));
  }

  async byId(id: string): Promise<DriftMonitor | null> {
    return this.monitors.findOneBy({ id });
  }

  private async find(name: string): Promise<DriftMonitor> {
    const monitor = await this.monitors.findOneBy({ name });
    if (!monitor) throw new NotFoundError('monitor', name, 'MONITOR_NOT_FOUND');
    return monitor;
  }
}
