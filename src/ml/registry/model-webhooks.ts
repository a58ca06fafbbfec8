import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { AppConfig } from '../../platform/config/app-config';
import { EventBus } from '../../platform/events/event-bus';
import { HubEvent } from '../../platform/events/hub-event';

const ATTEMPTS = 3;
const TIMEOUT_MS = 5000;

/** HMAC-SHA256 of the exact body, as sent in X-MCP-Hub-Signature-256 (`sha256=<hex>`). */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * POSTs every registry change (ml.model.* events) and every drift a monitor finds
 * (ml.drift.detected) to MODEL_WEBHOOK_URLS, signed with MODEL_WEBHOOK_SECRET. Best effort: three attempts with backoff, then a warning in the log; the
 * history endpoint stays the record.
 */
@Injectable()
export class ModelWebhooks implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ModelWebhooks');
  private unsubscribe?: () => void;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly config: AppConfig,
    private readonly bus: EventBus,
  ) {}

  onModuleInit(): void {
    if (!this.config.modelWebhooks.urls.length) return;
    this.unsubscribe = this.bus.subscribe((event) => {
      for (const url of this.config.modelWebhooks.urls) {
        const delivery = this.deliver(url, event).finally(() => this.inFlight.delete(delivery));
        this.inFlight.add(delivery);
      }
    }, ['ml.model.', 'ml.drift.detected']);
  }

  async onModuleDestroy(): Promise<void> {
    this.unsubscribe?.();
    await Promise.allSettled([...this.inFlight]);
  }

  private async deliver(url: string, event: HubEvent): Promise<void> {
    const body = JSON.stringify({ type: event.type, time: event.time, model: event.subject, data: event.data });
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-mcp-hub-event': event.type };
    if (this.config.modelWebhooks.secret) headers['x-mcp-hub-signature-256'] = webhookSignature(this.config.modelWebhooks.secret, body);
    let problem = '';
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
        if (response.ok) return;
        problem = `HTTP ${response.status}`;
      } catch (error) {
        problem = (error as Error).message;
      }
      if (attempt < ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
    }
    this.logger.warn(`Webhook ${event.type} to ${url} failed after ${ATTEMPTS} attempts: ${problem}`);
  }
}
