import { Provider } from '@nestjs/common';
import { Client } from 'minio';
import { AppConfig, S3Config } from '../config/app-config';
import { DependencyProbe, ProbeResult } from './dependency-probe';

/** Injected as minio Client | null: null when S3_ENDPOINT is unset (artifacts stay on the filesystem). */
export const S3_CLIENT = Symbol('S3_CLIENT');

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

export const s3ClientProvider: Provider = {
  provide: S3_CLIENT,
  inject: [AppConfig],
  useFactory: (config: AppConfig) => (config.s3 ? createS3Client(config.s3) : null),
};

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
