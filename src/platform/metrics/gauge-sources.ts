import { Injectable } from '@nestjs/common';

/** One value of a gauge, with its labels (the label names the source declared). */
export interface GaugeSample {
  labels?: Record<string, string>;
  value: number;
}

/**
 * A gauge whose value a feature knows (queue depth, servers by state). The metrics endpoint reads it
 * at scrape time, so a feature reports its state without importing telemetry, and telemetry shows it
 * without importing the feature (DESIGN.md §2).
 */
export interface GaugeSource {
  name: string;
  help: string;
  labelNames?: string[];
  read(): Promise<GaugeSample[]> | GaugeSample[];
}

/** Where features add their gauges, in their constructor or onModuleInit; /metrics registers them at bootstrap. */
@Injectable()
export class GaugeSources {
  private readonly sources = new Map<string, GaugeSource>();

  add(source: GaugeSource): void {
    if (this.sources.has(source.name)) throw new Error(`gauge ${source.name} is added twice`);
    this.sources.set(source.name, source);
  }

  list(): GaugeSource[] {
    return [...this.sources.values()];
  }
}
