import { readFileSync, readdirSync } from 'node:fs';

/** Kernel clock ticks per second (getconf CLK_TCK); 100 on every Linux this runs on. */
const TICK_MS = 1000 / 100;

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** user + system CPU, in ms */
  cpuMs: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may hold spaces; the fields after it are space separated
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    return { pid, ppid: Number(fields[1]), comm, cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS };
  } catch {
    return undefined;
  }
}

function allProcesses(): ProcStat[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => readStat(Number(name)) ?? []);
}

/** CPU (user + system, ms) used so far by these processes and all their descendants alive now. */
export function treeCpuMs(roots: number[]): number {
  const processes = allProcesses();
  const children = new Map<number, ProcStat[]>();
  for (const p of processes) {
    const siblings = children.get(p.ppid);
    if (siblings) siblings.push(p);
    else children.set(p.ppid, [p]);
  }
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  let total = 0;
  const queue = roots.flatMap((pid) => byPid.get(pid) ?? []);
  const seen = new Set<number>();
  while (queue.length > 0) {
    const p = queue.pop()!;
    if (seen.has(p.pid)) continue;
    seen.add(p.pid);
    total += p.cpuMs;
    queue.push(...(children.get(p.pid) ?? []));
  }
  return total;
}

/** CPU (ms) used so far by every process whose name starts with one of these (redis-server, postgres). */
export function commandsCpuMs(prefixes: string[]): number {
  return allProcesses()
    .filter((p) => prefixes.some((prefix) => p.comm.startsWith(prefix)))
    .reduce((sum, p) => sum + p.cpuMs, 0);
}
