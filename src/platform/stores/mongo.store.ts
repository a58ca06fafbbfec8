import { Injectable } from '@nestjs/common';
import { MongooseModule, getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { ShutdownCoordinator } from '../shutdown/shutdown-coordinator';
import { DependencyProbe, ProbeResult } from './dependency-probe';
import { OptionalStore } from './optional-store';

@Injectable()
export class MongoProbe implements DependencyProbe {
  readonly name = 'mongodb' as const;
  readonly required = false;
  readonly enabled = true;

  constructor(private readonly connection: Connection) {}

  async check(): Promise<ProbeResult> {
    if (this.connection.readyState !== 1) await this.connection.asPromise();
    const info = await this.connection.db!.admin().serverInfo();
    return { version: String(info.version) };
  }
}

/** Mongoose connection, opened lazily so an unreachable MongoDB never blocks boot; closed in `connections`. */
export function mongoStore(uri: string): OptionalStore {
  return {
    imports: [MongooseModule.forRoot(uri, { lazyConnection: true, serverSelectionTimeoutMS: 5000, connectTimeoutMS: 5000 })],
    providers: [
      {
        provide: MongoProbe,
        inject: [getConnectionToken(), ShutdownCoordinator],
        useFactory: (connection: Connection, coordinator: ShutdownCoordinator) => {
          coordinator.register({ phase: 'connections', name: 'mongodb', close: () => connection.close() });
          return new MongoProbe(connection);
        },
      },
    ],
    probe: MongoProbe,
  };
}
