import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ShutdownCoordinator } from '../shutdown/shutdown-coordinator';
import { RedisConnections } from './redis-connections';

@Global()
@Module({
  providers: [
    {
      provide: RedisConnections,
      inject: [AppConfig, ShutdownCoordinator],
      useFactory: (config: AppConfig, coordinator: ShutdownCoordinator) => {
        const redis = new RedisConnections(config.redis.url, config.redis.keyPrefix);
        coordinator.register({ phase: 'connections', name: 'redis', close: () => redis.closeAll() });
        return redis;
      },
    },
  ],
  exports: [RedisConnections],
})
export class RedisModule {}
