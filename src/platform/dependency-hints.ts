/** What to tell a user when a dependency is missing; shared by boot checks and `npm run diagnose`. */
export const DEPENDENCY_HINTS = {
  postgres: [
    'Start PostgreSQL with one of:',
    '  docker compose -f docker/docker-compose.yml up -d postgres',
    '  sudo pg_ctlcluster $(ls /etc/postgresql) main start      # Debian/Ubuntu',
    'or point DATABASE_URL at a running server, or leave it unset: then the hub starts an embedded PostgreSQL',
    'when nothing answers at DATABASE_PROBE_URL (EMBEDDED_SERVICES=auto).',
  ].join('\n'),
  redis: [
    'Start Redis with one of:',
    '  docker compose -f docker/docker-compose.yml up -d redis',
    '  sudo redis-server --daemonize yes --bind 127.0.0.1 --port 6379      # Debian/Ubuntu: apt-get install redis-server',
    'or point REDIS_URL at a running server, or leave it unset: then the hub starts redis-server itself',
    'when nothing answers at REDIS_PROBE_URL (EMBEDDED_SERVICES=auto).',
  ].join('\n'),
  mongodb: 'Start MongoDB (docker compose -f docker/docker-compose.yml up -d mongo) or unset MONGODB_URI to keep artifacts on the filesystem.',
  qdrant: 'Start Qdrant (docker compose -f docker/docker-compose.yml up -d qdrant) or unset QDRANT_URL to use the in-process vector index.',
  s3: 'Start MinIO (docker compose -f docker/docker-compose.yml up -d minio), check S3_ACCESS_KEY/S3_SECRET_KEY, or unset S3_ENDPOINT to keep artifacts on the filesystem.',
  python: 'Install Python 3 (apt-get install python3) or set PYTHON_BIN to an interpreter.',
  pythonModule: (module: string, debianPackage: string, pipPackage: string) =>
    `Install ${module} for PYTHON_BIN: apt-get install ${debianPackage} (then PYTHON_BIN=/usr/bin/python3), or pip install ${pipPackage}.`,
} as const;

/** "host:port/db" of a connection URL, without credentials, for messages and logs. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '(default port)'}${parsed.pathname.length > 1 ? parsed.pathname : ''}`;
  } catch {
    return '(unparseable URL)';
  }
}
