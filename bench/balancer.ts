import { RoundRobinProxy } from '../test/support/round-robin-proxy';

/**
 * The round-robin proxy of the tests (test/support/round-robin-proxy.ts) in a process of its own, so
 * a benchmark's clients and its balancer do not share one event loop:
 * `balancer.ts <round-robin|pinned> <target URL>...`. Prints `ready <port>` once it listens.
 */
const [mode, ...targets] = process.argv.slice(2);
void RoundRobinProxy.start(targets, mode === 'pinned').then((proxy) => console.log(`ready ${proxy.port}`));
