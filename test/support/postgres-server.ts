/**
 * A throwaway PostgreSQL server for tests: initdb into a fresh temp folder, `postgres` on
 * 127.0.0.1 and a free port (its unix socket in the same folder), ready once it accepts a
 * connection. Run as root (CI, the dev VM), the server runs as the `postgres` OS user, because
 * initdb and postgres refuse to run as root. stop() shuts it down and removes the folder; a test
 * process that exits without stopping still kills its server.
 *
 * PostgreSQL must be installed: `apt-get install -y postgresql` puts the server binaries in
 * /usr/lib/postgresql/<version>/bin (.ci/run does this). Without them startPostgres() throws,
 * saying so: PostgreSQL tests fail rather than skip.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const INSTALL_HINT =
  'PostgreSQL server binaries not found (looked for initdb and postgres in /usr/lib/postgresql/<version>/bin ' +
  'and $MESHPLANE_PG_BINDIR); install them with `apt-get update && apt-get install -y postgresql` (Debian), as .ci/run does';

const READY_DEADLINE_MS = 30_000;
const STOP_DEADLINE_MS = 20_000;

export interface PostgresServer {
  readonly port: number;
  /** URL of the `postgres` maintenance database (user postgres, trust auth, no password). */
  readonly adminUrl: string;
  /** URL of a database on this server (it is not created). */
  urlFor(database: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Fast shutdown, then start again on the same port and data; resolves when it accepts connections. */
  restart(): Promise<void>;
  /** Shuts the server down and removes its folder. */
  stop(): Promise<void>;
}

const running = new Set<{ child: ChildProcess; dir: string }>();
process.on('exit', () => {
  for (const { child, dir } of running) {
    child.kill('SIGQUIT');
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The folder holding initdb and postgres: $MESHPLANE_PG_BINDIR, else the newest Debian install. */
export function findPostgresBinaries(): string {
  const candidates: string[] = [];
  const fromEnv = process.env.MESHPLANE_PG_BINDIR;
  if (fromEnv) candidates.push(fromEnv);
  const debianRoot = '/usr/lib/postgresql';
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(debianRoot, v, 'bin')));
  }
  const found = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres')));
  if (found === undefined) throw new Error(INSTALL_HINT);
  return found;
}

/** uid/gid to run the server as: the `postgres` user when we are root, else ourselves. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error(`running as root but there is no 'postgres' OS user to run the server as; ${INSTALL_HINT}`);
  }
  return { uid: Number(uid), gid: Number(gid) };
}

function run(file: string, args: readonly string[], user: { uid: number; gid: number } | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...user, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} failed: ${err.message}\n${stdout}${stderr}`));
      else resolve();
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface StartOptions {
  /**
   * false runs with fsync=off: faster for tests that create many databases and do not measure
   * durability; the server is otherwise the same (a clean restart keeps everything either way).
   */
  readonly durable?: boolean;
}

export async function startPostgres(options: StartOptions = {}): Promise<PostgresServer> {
  const bin = findPostgresBinaries();
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'meshplane-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  try {
    await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], user);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  let port = await freePort();
  let entry: { child: ChildProcess; dir: string } | undefined;

  const launch = async (): Promise<void> => {
    const log = openSync(logFile, 'a');
    const args = ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1'];
    if (options.durable === false) args.push('-c', 'fsync=off');
    const child = spawn(join(bin, 'postgres'), args, { ...user, stdio: ['ignore', log, log] });
    closeSync(log);
    entry = { child, dir };
    running.add(entry);
    await waitUntilReady(child, port, logFile);
  };

  /** SIGINT is a fast shutdown (clients disconnected, checkpoint); SIGQUIT stops at once, as a crash would. */
  const shutdown = async (signal: 'SIGINT' | 'SIGQUIT' = 'SIGINT'): Promise<void> => {
    if (entry === undefined) return;
    const { child } = entry;
    running.delete(entry);
    entry = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_DEADLINE_MS);
    await exited;
    clearTimeout(timer);
  };

  // A port taken between freePort() and the server's bind gets one more try on a new port.
  try {
    await launch();
  } catch (err) {
    await shutdown();
    if (!readLog(logFile).includes('could not bind')) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    port = await freePort();
    await launch();
  }

  const urlFor = (database: string): string => `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return {
    get port() {
      return port;
    },
    get adminUrl() {
      return urlFor('postgres');
    },
    urlFor,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: urlFor('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return urlFor(name);
    },
    async restart() {
      await shutdown();
      await launch();
    },
    async stop() {
      await shutdown('SIGQUIT'); // the data is removed next: no checkpoint needed
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readLog(logFile: string): string {
  return existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
}

/** Polls with a real connection until one succeeds; fails at the deadline or if the server exits. */
async function waitUntilReady(child: ChildProcess, port: number, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_DEADLINE_MS;
  let lastError = 'no attempt yet';
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`postgres exited (${child.exitCode ?? child.signalCode}) before accepting connections:\n${readLog(logFile)}`);
    }
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 1000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (err) {
      lastError = String(err);
      await client.end().catch(() => {});
    }
    if (Date.now() > deadline) {
      throw new Error(`postgres did not accept connections on 127.0.0.1:${port} within ${READY_DEADLINE_MS} ms (${lastError}):\n${readLog(logFile)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
