import { Client } from 'minio';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

// s3rver ships without types; it is a real S3 protocol server (signatures, buckets, objects) on disk.
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => { run(): Promise<{ port: number }>; close(): Promise<void> };

export const S3_ACCESS_KEY = 'S3RVER';
export const S3_SECRET_KEY = 'S3RVER';

/** An S3 server for one test file, in this process, storing into a temporary folder. */
export class S3TestServer {
  private constructor(
    private readonly server: { close(): Promise<void> },
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<S3TestServer> {
    const dir = await mkdtemp(join(tmpdir(), 's3rver-'));
    const port = await freePort();
    const server = new S3rver({ port, address: '127.0.0.1', silent: true, directory: dir });
    await server.run();
    return new S3TestServer(server, port, dir);
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  client(): Client {
    return new Client({ endPoint: '127.0.0.1', port: this.port, useSSL: false, accessKey: S3_ACCESS_KEY, secretKey: S3_SECRET_KEY, region: 'us-east-1', pathStyle: true });
  }

  async stop(): Promise<void> {
    await this.server.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}
