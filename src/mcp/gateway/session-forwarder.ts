import { Agent, IncomingHttpHeaders, IncomingMessage, ServerResponse, request } from 'node:http';
import type { Socket } from 'node:net';
import { Injectable, Logger } from '@nestjs/common';
import { GaugeSources } from '../../platform/metrics/gauge-sources';
import { ShutdownCoordinator } from '../../platform/shutdown/shutdown-coordinator';
import { SessionDirectory, SessionOwner } from './session-directory';

/** Marks a request one replica passed to another: the receiver serves it or answers 404, never passes it on. */
export const FORWARDED_HEADER = 'x-mcp-hub-forwarded-by';

const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'proxy-connection', 'upgrade', 'te', 'trailer'];
/** An owner that does not accept the connection by then is taken for gone. */
const CONNECT_TIMEOUT_MS = 3_000;

/**
 * Passes a request for an MCP session held by another replica to that replica and streams its answer
 * back (SSE included), headers and status as the owner sent them. The owner checks Origin, Host and
 * the API key again, as for any request. Forwarding happens only for sessions this replica does not
 * hold; with a balancer that pins by Mcp-Session-Id it never happens.
 */
@Injectable()
export class SessionForwarder {
  private readonly logger = new Logger('SessionForwarder');
  private readonly agent = new Agent({ keepAlive: true, maxFreeSockets: 64 });
  /** Forwarded GET streams, which end only when someone ends them: the client's answer, and how to end it cleanly. */
  private readonly streams = new Map<ServerResponse, () => void>();
  private forwarded = 0;

  constructor(
    private readonly directory: SessionDirectory,
    gauges: GaugeSources,
    coordinator: ShutdownCoordinator,
  ) {
    gauges.add({
      name: 'mcp_hub_forwarded_requests',
      help: 'MCP requests passed to the replica that holds their session, since this process started (stays 0 behind a balancer that pins by Mcp-Session-Id)',
      read: () => [{ value: this.forwarded }],
    });
    // a forwarded GET stream would hold the drain open: it ends, and the client resumes it (Last-Event-ID) on another replica
    coordinator.register({ phase: 'ingress', name: 'forwarded-streams', close: () => [...this.streams.values()].forEach((end) => end()) });
    coordinator.register({ phase: 'connections', name: 'session-forwarding', close: () => this.agent.destroy() });
  }

  /**
   * True once the owner's answer is on its way to the client; false when no other replica holds the
   * session (or its owner cannot be reached), so the caller answers 404 and the client re-initialises.
   */
  async forward(sessionId: string, req: IncomingMessage, res: ServerResponse, body: string | undefined): Promise<boolean> {
    if (req.headers[FORWARDED_HEADER] !== undefined) return false;
    const owner = await this.directory.ownerOf(sessionId);
    if (!owner || this.directory.isSelf(owner)) return false;
    this.forwarded++;
    const payload = body === undefined ? undefined : Buffer.from(body);
    const reached = await this.pass(owner, req, res, payload, () => this.directory.ended(sessionId));
    if (!reached) await this.directory.forget(sessionId, owner);
    return reached;
  }

  private pass(owner: SessionOwner, req: IncomingMessage, res: ServerResponse, payload: Buffer | undefined, ended: () => void): Promise<boolean> {
    return new Promise((resolve) => {
      const headers: IncomingHttpHeaders = withoutHopByHop(req.headers);
      headers[FORWARDED_HEADER] = this.directory.selfId;
      if (payload) headers['content-length'] = String(payload.length);
      let answered: IncomingMessage | undefined;
      const outgoing = request(new URL(req.url ?? '/', owner.url), { method: req.method, headers, agent: this.agent }, (answer) => {
        answered = answer;
        if (answer.statusCode === 404 || req.method === 'DELETE') ended();
        res.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
        res.flushHeaders();
        answer.pipe(res);
        // the owner's answer cut short (the owner died, the connection broke): the client's is cut too, so it notices
        const cutShort = () => !answer.complete && res.destroy();
        answer.once('close', cutShort);
        if (req.method === 'GET') {
          this.streams.set(res, () => {
            answer.off('close', cutShort);
            answer.unpipe(res);
            res.end();
            answer.destroy();
          });
        }
        resolve(true);
      });
      // the client went away, before or while the owner answers: the owner stops too
      res.once('close', () => {
        this.streams.delete(res);
        if (!answered) outgoing.destroy();
        else if (!answered.complete) answered.destroy();
      });
      outgoing.once('socket', (socket: Socket) => {
        if (!socket.connecting) return;
        const timer = setTimeout(() => outgoing.destroy(new Error(`no connection within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
        socket.once('connect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      });
      outgoing.once('error', (error: Error) => {
        if (res.headersSent) return void res.destroy(error);
        this.logger.warn(`Replica ${owner.instance} at ${owner.url}, which holds a session, cannot be reached (${error.message}); the client gets 404 and starts a new session`);
        resolve(false);
      });
      outgoing.end(payload);
    });
  }
}

/** Without the headers that belong to one connection: the fixed ones and those the Connection header names. */
function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const kept = { ...headers };
  const named = String(headers.connection ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  for (const name of [...HOP_BY_HOP, ...named]) delete kept[name];
  return kept;
}
