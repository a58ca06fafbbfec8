import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKey } from './api-key.entity';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeysController } from './api-keys.controller';
import { CurrentKeyController } from './current-key.controller';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyAuthorizer } from './api-key-authorizer';
import { RequestOriginMiddleware } from './request-origin.middleware';
import { KeyChangeChannel } from './key-change-channel';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ApiKey])],
  controllers: [ApiKeysController, CurrentKeyController],
  providers: [ApiKeysService, KeyChangeChannel, ApiKeyAuthorizer, RequestOriginMiddleware, { provide: APP_GUARD, useClass: ApiKeyGuard }],
  exports: [ApiKeysService, KeyChangeChannel, ApiKeyAuthorizer, RequestOriginMiddleware],
})
export class AuthModule {}
