import { Provider } from '@nestjs/common';
import { QdrantClient } from '@qdrant/js-client-rest';
import { AppConfig } from '../config/app-config';
import { DependencyProbe, ProbeResult } from './dependency-probe';

/** Injected as QdrantClient | null: null when QDRANT_URL is unset (the in-process vector index is used). */
export const QDRANT_CLIENT = Symbol('QDRANT_CLIENT');

export const qdrantClientProvider: Provider = {
  provide: QDRANT_CLIENT,
  inject: [AppConfig],
  useFactory: (config: AppConfig) =>
    config.qdrant ? new QdrantClient({ url: config.qdrant.url, apiKey: config.qdrant.apiKey, checkCompatibility: false, timeout: 5000 }) : null,
};

export class QdrantProbe implements DependencyProbe {
  readonly name = 'qdrant' as const;
  readonly required = false;
  readonly enabled = true;

  constructor(private readonly client: QdrantClient) {}

  async check(): Promise<ProbeResult> {
    const info = await this.client.versionInfo();
    return { version: info.version };
  }
}
