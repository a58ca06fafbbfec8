import { Controller, MessageEvent, Query, Sse } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Observable, Subject, interval, map, merge, takeUntil } from 'rxjs';
import { EventBus } from '../../platform/events/event-bus';
import { HubEvent } from '../../platform/events/hub-event';
import { ShutdownCoordinator } from '../../platform/shutdown/shutdown-coordinator';
import { EventsQueryDto } from './events-query.dto';

export const HEARTBEAT_MS = 15_000;

@ApiTags('events')
@Controller('events')
export class EventsController {
  private readonly closing = new Subject<void>();
  private sequence = 0;

  constructor(
    private readonly bus: EventBus,
    coordinator: ShutdownCoordinator,
  ) {
    coordinator.register({
      phase: 'ingress',
      name: 'event-streams',
      close: () => {
        this.closing.next();
        this.closing.complete();
      },
    });
  }

  @Sse()
  @ApiOperation({
    summary: 'Server-sent events: server state changes, catalog changes, config reloads; a heartbeat every 15 s',
    description: 'Each message has `event: <type>` and `data: {type, subject, time, data}`; by default every mcp.* event and telemetry.anomaly. Try: `curl -N localhost:3456/api/events`',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'An endless text/event-stream',
    schema: { type: 'string', example: 'id: 7\nevent: mcp.server.state\ndata: {"type":"mcp.server.state","subject":"everything","time":"2026-11-25T15:00:02.120Z","data":{"server":"everything","from":"connecting","to":"connected","reason":"connected over stdio (pid 41231)"}}\n\n' },
  })
  stream(@Query() query: EventsQueryDto): Observable<MessageEvent> {
    const prefixes = query.types ? query.types.split(',') : ['mcp.', 'telemetry.anomaly'];
    const events = new Observable<HubEvent>((subscriber) => this.bus.subscribe((event) => subscriber.next(event), prefixes));
    const heartbeat = interval(HEARTBEAT_MS).pipe(map(() => ({ type: 'heartbeat', time: new Date().toISOString(), data: {} }) as HubEvent));
    return merge(events, heartbeat).pipe(
      takeUntil(this.closing),
      map((event) => ({ id: String(++this.sequence), type: event.type, data: event })),
    );
  }
}
