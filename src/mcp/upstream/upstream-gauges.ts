import { Injectable } from '@nestjs/common';
import { GaugeSources } from '../../platform/metrics/gauge-sources';
import { SERVER_STATES } from './server-state';
import { UpstreamManager } from './upstream-manager.service';

/** /metrics shows how many upstream servers are in each state, read at scrape time. */
@Injectable()
export class UpstreamGauges {
  constructor(upstreams: UpstreamManager, gauges: GaugeSources) {
    gauges.add({
      name: 'mcp_hub_upstream_servers',
      help: 'Upstream MCP servers of this hub instance, by state',
      labelNames: ['state'],
      read: () => {
        const states = upstreams.statuses().map((s) => s.state);
        return SERVER_STATES.map((state) => ({ labels: { state }, value: states.filter((s) => s === state).length }));
      },
    });
  }
}
