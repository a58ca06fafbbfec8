import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  ClientCapabilities,
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ElicitResult,
  ListRootsRequestSchema,
  LoggingMessageNotification,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';

export const ALL_CLIENT_CAPABILITIES: ClientCapabilities = { sampling: {}, elicitation: { form: {}, url: {} }, roots: { listChanged: true } };

export interface AskingClientOptions {
  /** Names the client: its sampling answer, elicited name and root all carry it. */
  label: string;
  capabilities?: ClientCapabilities;
  /** How it answers form elicitations, in turn (then accept). */
  elicitation?: ElicitResult['action'][];
  /** Awaited before answering an elicitation: holds the upstream's request in flight. */
  hold?: () => Promise<void>;
}

/** An SDK client that declares sampling, elicitation and roots and answers them, recording what it was sent. */
export class AskingClient extends Client {
  readonly logs: LoggingMessageNotification['params'][] = [];
  readonly updates: string[] = [];
  readonly asked: string[] = [];

  constructor(readonly options: AskingClientOptions) {
    const capabilities = options.capabilities ?? ALL_CLIENT_CAPABILITIES;
    super({ name: `client-${options.label}`, version: '1.0.0' }, { capabilities });
    const actions = [...(options.elicitation ?? [])];
    if (capabilities.sampling) {
      this.setRequestHandler(CreateMessageRequestSchema, async () => {
        this.asked.push('sampling/createMessage');
        return { role: 'assistant', content: { type: 'text', text: `sampled by ${options.label}` }, model: `model-${options.label}` };
      });
    }
    if (capabilities.elicitation) {
      this.setRequestHandler(ElicitRequestSchema, async (request) => {
        this.asked.push(`elicitation/create:${request.params.mode ?? 'form'}`);
        await options.hold?.();
        if (request.params.mode === 'url') return { action: 'accept' };
        const action = actions.shift() ?? 'accept';
        return action === 'accept' ? { action, content: { name: options.label } } : { action };
      });
    }
    if (capabilities.roots) {
      this.setRequestHandler(ListRootsRequestSchema, async () => {
        this.asked.push('roots/list');
        return { roots: [{ uri: `file:///work/${options.label}`, name: options.label }] };
      });
    }
    this.setNotificationHandler(LoggingMessageNotificationSchema, async (notification) => void this.logs.push(notification.params));
    this.setNotificationHandler(ResourceUpdatedNotificationSchema, async (notification) => void this.updates.push(notification.params.uri));
  }
}
