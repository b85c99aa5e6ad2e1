/**
 * A private Redis server for the queue tests: Debian's `redis-server` on a free loopback port, with
 * its files in a temporary folder (removed on stop), stopped by `stop()` and, as a last resort,
 * when the test process exits. Under `CI=true` a missing `redis-server` is an error (the tests
 * fail); elsewhere too, unless `TFJS_BNN_ALLOW_MISSING_REDIS=1` says to leave the Redis tests out.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Environment variable that lets a developer without redis-server run the rest of the suite. */
export const ALLOW_MISSING_REDIS_ENV = 'TFJS_BNN_ALLOW_MISSING_REDIS';

/** The `redis-server` executable on PATH, or null. */
export function findRedisServer(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path.length > 0 ? path : null;
}

/** Whether the Redis tests may be left out: no redis-server, not on CI, and the developer said so. */
export function redisTestsMayBeLeftOut(): boolean {
  return findRedisServer() === null && process.env.CI !== 'true' && process.env[ALLOW_MISSING_REDIS_ENV] === '1';
}

/** A free TCP port on 127.0.0.1 (asked of the OS, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Sends one inline command and resolves with the first reply line (`+PONG`), or rejects. */
function ask(port: number, command: string, password?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let text = '';
    socket.setTimeout(1000, () => socket.destroy(new Error('timeout')));
    socket.on('error', reject);
    socket.on('connect', () => socket.write(`${password === undefined ? '' : `AUTH ${password}\r\n`}${command}\r\n`));
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
      const lines = text.split('\r\n').filter((l) => l.length > 0);
      if (lines.length >= (password === undefined ? 1 : 2)) {
        socket.end();
        resolve(lines[lines.length - 1]);
      }
    });
  });
}

/** Settings of a test server. */
export interface RedisServerOptions {
  /** Append-only file in the temp folder, so data survive a restart (default false: nothing persisted). */
  readonly persistent?: boolean;
  /** `requirepass`. */
  readonly password?: string;
}

/** A running test server. */
export interface TestRedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` (with the password when one is set). */
  readonly url: string;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and starts it again on the same port and folder. */
  restart(): Promise<void>;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

async function waitForPing(port: number, password: string | undefined, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with status ${child.exitCode} before answering`);
    try {
      if ((await ask(port, 'PING', password)) === '+PONG') return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING within 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
  running.delete(child);
}

/**
 * Starts a private redis-server.
 * @throws Error when redis-server is not installed (install Debian's `redis-server`; see `.ci/run`).
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<TestRedisServer> {
  const executable = findRedisServer();
  if (executable === null) {
    throw new Error(
      `redis-server is not installed: the queue tests need it (apt-get install redis-server). Outside CI, ${ALLOW_MISSING_REDIS_ENV}=1 leaves these tests out.`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-bnn-redis-'));
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    options.persistent === true ? 'yes' : 'no',
    '--appendfsync',
    'always',
    '--daemonize',
    'no',
    '--logfile',
    '',
    '--loglevel',
    'warning',
    ...(options.password === undefined ? [] : ['--requirepass', options.password]),
  ];
  let child: ChildProcess;
  const launch = async () => {
    child = spawn(executable, args, { stdio: 'ignore' });
    running.add(child);
    await waitForPing(port, options.password, child);
  };
  await launch();
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
  return {
    port,
    url: `redis://${auth}127.0.0.1:${port}`,
    async restart() {
      await stopChild(child);
      await launch();
    },
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
