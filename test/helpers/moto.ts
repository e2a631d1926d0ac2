/**
 * moto_server, the AWS API emulator, for tests: started on a free 127.0.0.1 port and stopped after.
 * When it is not installed the tests skip with that reason, except in CI
 * (SLUICE_REQUIRE_AWS_PEERS=1, set by .ci/run), where a missing peer fails the run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running moto server. */
export interface Moto {
  endpoint: string;
  /** Environment for the AWS SDK and CLI to talk to it. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Why moto tests cannot run here, or undefined when they can. */
export function motoUnavailable(): string | undefined {
  if (spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0) return undefined;
  const reason = 'moto_server is not installed (pip install moto[server]); these tests need an AWS API emulator';
  if (process.env.SLUICE_REQUIRE_AWS_PEERS === '1') throw new Error(`${reason}; CI requires it`);
  return reason;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Start moto_server and wait until it answers; sets nothing globally. `env` configures moto itself,
 * e.g. `{ INITIAL_NO_AUTH_ACTION_COUNT: '5' }` to check IAM after the first five calls.
 */
export async function startMoto(env: Record<string, string> = {}): Promise<Moto> {
  const port = await freePort();
  // moto logs a line per request on stderr. It goes to a file, not a pipe: a test or bench that runs
  // the CLI with spawnSync blocks its own event loop, so a pipe would not be read, would fill after a
  // few hundred requests, and moto would stop answering (a 10,000-item `table add` hung so).
  const logDir = mkdtempSync(join(tmpdir(), 'sluice-moto-'));
  const logPath = join(logDir, 'moto.log');
  const log = openSync(logPath, 'w');
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', log], env: { ...process.env, ...env } });
  closeSync(log);
  const stderr = () => { try { return readFileSync(logPath, 'utf8'); } catch { return ''; } };
  const removeLog = () => rmSync(logDir, { recursive: true, force: true });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const r = await fetch(`${endpoint}/moto-api/`);
      if (r.status < 500) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      const tail = stderr().slice(-500);
      removeLog();
      throw new Error(`moto_server did not start on ${endpoint}: ${tail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    env: { AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1' },
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve(removeLog());
      child.once('exit', () => resolve(removeLog()));
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }),
  };
}
