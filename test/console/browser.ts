/**
 * Driving the console in a real browser: Debian's Chromium (installed by `.ci/run` with apt-get
 * when missing) through playwright-core, which downloads no browser of its own. Screenshots go to
 * test-artifacts/console/ for people to look at.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { ROOT, sluiceAsync } from '../helpers/cli.js';

/** Where Chromium is, or undefined when it is not installed. */
export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', process.env.CHROME_PATH ?? ''].find((p) => p && existsSync(p));

/** Why the browser tests skip here, or false when they run (CI requires Chromium: `.ci/run` installs it). */
export const NO_BROWSER = CHROMIUM ? false : process.env.CI ? false : 'Chromium is not installed (apt-get install -y chromium; .ci/run installs it)';

/** The folder screenshots are kept in. */
export function artifactsDir(): string {
  const dir = join(ROOT, 'test-artifacts', 'console');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A console started as a user starts it, with its URL read from its first JSON line. */
export async function startConsoleProcess(args: string[], cwd: string): Promise<{ child: ChildProcess; url: string; port: number; token: string; stop(): Promise<void> }> {
  const child = sluiceAsync(['console', ...args, '--json'], { cwd });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const first = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`sluice console printed no URL within 60 s\nstderr: ${stderr}`)), 60_000);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl));
      }
    });
    child.once('exit', (code) => reject(new Error(`sluice console exited (${code}) before printing its URL\nstderr: ${stderr}`)));
  });
  const { url, port, token } = JSON.parse(first) as { url: string; port: number; token: string };
  return {
    child, url, port, token,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
