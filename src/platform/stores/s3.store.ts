import { Client } from 'minio';
import { S3Config } from '../config/app-config';
import { DependencyProbe, ProbeResult } from './dependency-probe';
import { OptionalStore } from './optional-store';
import { S3_CLIENT } from './store-tokens';

export function createS3Client(s3: S3Config): Client {
  return new Client({
    endPoint: s3.endpoint.hostname,
    port: s3.endpoint.port ? Number(s3.endpoint.port) : undefined,
    useSSL: s3.endpoint.protocol === 'https:',
    accessKey: s3.accessKey,
    secretKey: s3.secretKey,
    region: s3.region,
    pathStyle: true,
  });
}

export class S3Probe implements DependencyProbe {
  readonly name = 's3' as const;
  readonly required = false;
  readonly enabled = true;

  constructor(
    private readonly client: Client,
    private readonly bucket: string,
  ) {}

  async check(): Promise<ProbeResult> {
    const bucketExists = await this.client.bucketExists(this.bucket);
    return { detail: { bucket: this.bucket, bucketExists } };
  }
}

export function s3Store(s3: S3Config): OptionalStore {
  const client = createS3Client(s3);
  return {
    providers: [
      { provide: S3_CLIENT, useValue: client },
      { provide: S3Probe, useValue: new S3Probe(client, s3.bucket) },
    ],
    probe: S3Probe,
  };
}
