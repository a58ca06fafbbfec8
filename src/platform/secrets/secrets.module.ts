import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { SecretCipher } from './secret-cipher';

/** The cipher for secrets at rest, keyed by SECRETS_ENCRYPTION_KEY (off when it is unset). */
@Global()
@Module({
  providers: [{ provide: SecretCipher, inject: [AppConfig], useFactory: (config: AppConfig) => SecretCipher.fromKey(config.secrets.encryptionKey) }],
  exports: [SecretCipher],
})
export class SecretsModule {}
