import { Injectable } from '@nestjs/common';
import { ClusterChannel } from '../cluster/cluster-channel';

/**
 * Tells every hub instance sharing this Redis (and key prefix) that API keys changed, so each drops
 * its verification cache at once instead of trusting a revoked key until the cache expires. A
 * subscriber that reconnects drops its cache too: it may have missed a message while Redis was away.
 */
@Injectable()
export class KeyChangeChannel {
  private readonly listeners: (() => void)[] = [];

  constructor(private readonly channel: ClusterChannel) {
    channel.on('api-keys', () => this.notifyLocal());
    channel.onReconnect(() => this.notifyLocal());
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** This instance forgets at once; the others when the message arrives. */
  async publish(): Promise<void> {
    this.notifyLocal();
    await this.channel.publish('api-keys', Date.now());
  }

  private notifyLocal(): void {
    for (const listener of this.listeners) listener();
  }
}
