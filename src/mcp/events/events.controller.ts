import { Controller, MessageEvent, Query, Sse } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Observable, Subject, finalize, interval, map, merge, takeUntil } from 'rxjs';
import { EventBus } from '../../platform/events/event-bus';
import { HubEvent } from '../../platform/events/hub-event';
import { ShutdownCoordinator } from '../../platform/shutdown/shutdown-coordinator';
import { EventsQueryDto } from './events-query.dto';
import { ClientPresence } from '../auto-shutdown/client-presence';
import { AppConfig } from '../../platform/config/app-config';
import { MCP_HUB_SOURCES, McpHubEvent, toMcpHubEvents } from '../compat/mcp-hub-events';

export const HEARTBEAT_MS = 15_000;
const MCP_HUB_HEARTBEAT_MS = 10_000;
/** What a client hears without ?types=: the hub's own events, anomalies and drift alerts. */
const DEFAULT_PREFIXES = ['mcp.', 'telemetry.anomaly', 'ml.drift.detected'];

@ApiTags('events')
@Controller('events')
export class EventsController {
  private readonly closing = new Subject<void>();
  /** After `closing`: streams that say goodbye (mcp-hub's "stopping") end here. */
  private readonly closed = new Subject<void>();
  private sequence = 0;

  constructor(
    private readonly bus: EventBus,
    private readonly presence: ClientPresence,
    private readonly config: AppConfig,
    coordinator: ShutdownCoordinator,
  ) {
    coordinator.register({
      phase: 'ingress',
      name: 'event-streams',
      close: () => {
        this.closing.next();
        this.closing.complete();
        this.closed.next();
        this.closed.complete();
      },
    });
  }

  @Sse()
  @ApiOperation({
    summary: 'Server-sent events: server state changes, catalog changes, config reloads; a heartbeat every 15 s',
    description: 'Each message has `event: <type>` and `data: {type, subject, time, data, origin?}`; by default every mcp.* event, telemetry.anomaly and ml.drift.detected. With several hub replicas the stream carries what happened on every replica and worker; `origin` names the instance of an event that happened elsewhere. Try: `curl -N localhost:3456/api/events`',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'An endless text/event-stream',
    schema: { type: 'string', example: 'id: 7\nevent: mcp.server.state\ndata: {"type":"mcp.server.state","subject":"everything","time":"2026-11-25T15:00:02.120Z","data":{"server":"everything","from":"connecting","to":"connected","reason":"connected over stdio (pid 41231)"}}\n\n' },
  })
  stream(@Query() query: EventsQueryDto): Observable<MessageEvent> {
    if (query.format === 'mcp-hub') return this.mcpHubStream();
    const prefixes = query.types ? query.types.split(',') : DEFAULT_PREFIXES;
    const events = new Observable<HubEvent>((subscriber) => this.bus.subscribe((event) => subscriber.next(event), prefixes, { remote: true }));
    const heartbeat = interval(HEARTBEAT_MS).pipe(map(() => ({ type: 'heartbeat', time: new Date().toISOString(), data: {} }) as HubEvent));
    const closed = this.presence.streamOpened();
    return merge(events, heartbeat).pipe(
      takeUntil(this.closing),
      map((event) => ({ id: String(++this.sequence), type: event.type, data: event })),
      finalize(closed),
    );
  }

  /** mcp-hub 4.2.1's stream: its hub_state first, its heartbeat every 10 s, its names for what happens; no ids. */
  private mcpHubStream(): Observable<MessageEvent> {
    const hubState = (state: string): McpHubEvent => ({ event: 'hub_state', data: { state, server_id: 'mcp-hub', pid: process.pid, port: this.config.http.port, timestamp: new Date().toISOString() } });
    const events = new Observable<McpHubEvent>((subscriber) => {
      subscriber.next(hubState('ready'));
      return this.bus.subscribe((event) => toMcpHubEvents(event, new Date().toISOString()).forEach((e) => subscriber.next(e)), MCP_HUB_SOURCES, { remote: true });
    });
    const heartbeat = interval(MCP_HUB_HEARTBEAT_MS).pipe(map((): McpHubEvent => ({ event: 'heartbeat', data: { connections: this.presence.streams, timestamp: new Date().toISOString() } })));
    const stopping = this.closing.pipe(map(() => hubState('stopping')));
    const closed = this.presence.streamOpened();
    return merge(events, heartbeat, stopping).pipe(
      takeUntil(this.closed),
      map((e) => ({ type: e.event, data: e.data })),
      finalize(closed),
    );
  }
}
