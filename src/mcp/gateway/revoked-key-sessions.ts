import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ApiKeysService } from '../../platform/auth/api-keys.service';
import { KeyChangeChannel } from '../../platform/auth/key-change-channel';
import { McpSessions } from './mcp-sessions.service';

/**
 * Every request is authorized again, but an event stream opened before a key was deleted would keep
 * delivering: when keys change (on any instance), sessions whose key is gone are closed.
 */
@Injectable()
export class RevokedKeySessions implements OnModuleInit {
  private readonly logger = new Logger('McpSessions');

  constructor(
    private readonly sessions: McpSessions,
    private readonly keys: ApiKeysService,
    private readonly changes: KeyChangeChannel,
  ) {}

  onModuleInit(): void {
    this.changes.onChange(() => void this.closeRevoked().catch((error: Error) => this.logger.warn(`Checking sessions against deleted keys failed: ${error.message}`)));
  }

  private async closeRevoked(): Promise<void> {
    const keyIds = this.sessions.sessionKeyIds();
    if (keyIds.size === 0) return;
    const existing = await this.keys.existing([...keyIds]);
    const revoked = new Set([...keyIds].filter((id) => !existing.has(id)));
    if (revoked.size === 0) return;
    const closed = this.sessions.closeForKeys(revoked, 'its API key was deleted');
    this.logger.log(`Closed ${closed} MCP session(s) of ${revoked.size} deleted API key(s)`);
  }
}
