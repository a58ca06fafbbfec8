import { QdrantClient } from '@qdrant/js-client-rest';
import { AppConfig } from '../config/app-config';
import { DependencyProbe, ProbeResult } from './dependency-probe';
import { OptionalStore } from './optional-store';
import { QDRANT_CLIENT } from './store-tokens';

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

export function createQdrantClient(qdrant: NonNullable<AppConfig['qdrant']>): QdrantClient {
  return new QdrantClient({ url: qdrant.url, apiKey: qdrant.apiKey, checkCompatibility: false, timeout: 5000 });
}

export function qdrantStore(qdrant: NonNullable<AppConfig['qdrant']>): OptionalStore {
  const client = createQdrantClient(qdrant);
  return {
    providers: [
      { provide: QDRANT_CLIENT, useValue: client },
      { provide: QdrantProbe, useValue: new QdrantProbe(client) },
    ],
    probe: QdrantProbe,
  };
}
