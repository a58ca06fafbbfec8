import type { components } from './schema';

/** The API's typed bodies, by their OpenAPI schema name. */
export type Schemas = components['schemas'];

/* Shapes of answers the OpenAPI document gives by example only (no schema to generate from). */

export interface ModelSummary {
  id: string;
  name: string;
  description: string | null;
  tags: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export interface ModelVersionView {
  id: string;
  version: number;
  stage: string;
  runId: string | null;
  trainingJobId: string | null;
  metrics: Record<string, number>;
  description: string | null;
  createdAt: string;
  signature: {
    inputs: { name: string; type: string; categories?: string[] }[];
    output: { name: string; type: string; task: string; classes?: string[] | null } | null;
  } | null;
}

export interface ModelView extends ModelSummary {
  aliases: Record<string, number>;
  versions: ModelVersionView[];
}

export interface HistoryEntry {
  seq: string;
  version: number | null;
  action: string;
  fromValue: string | null;
  toValue: string | null;
  actor: string;
  reason: string | null;
  time: string;
}

export interface Experiment {
  id: string;
  name: string;
  description: string | null;
  createdAt: string;
}

export interface Run {
  id: string;
  experimentId: string;
  name: string | null;
  status: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, number>;
  createdAt: string;
  endedAt: string | null;
  trainingJobId: string | null;
}

export interface Adapter {
  name: string;
  runtime: string;
  status: { available: boolean; missing?: string[] };
  algorithms: Record<string, { tasks: string[]; description: string; hyperparameters: Record<string, unknown> }>;
}

export interface Rollup {
  minute: string;
  type: string;
  server: string | null;
  tool: string | null;
  events: number;
  errors: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface TelemetryStats {
  stream: { length: number; pending: number; lag: number; deadLetters: number; consumers: number };
  windowSeconds: number;
  events: number;
  eventsPerSecond: number;
  toolLatency: { server: string; tool: string; calls: number; errors: number; p50Ms: number; p95Ms: number; p99Ms: number }[];
  serverLatency: { server: string; calls: number; errors: number; p50Ms: number; p95Ms: number; p99Ms: number }[];
}
