/**
 * The console's web server: on 127.0.0.1 only, every request checked by `guard.ts`, JSON endpoints
 * over the Stage interface (so a local and an AWS stage show the same pages), the page and its script,
 * server-sent events when the stage changes, and branch reports from the state folder (and nothing
 * else from disk: names are checked and paths resolved inside it).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { Stage, StageStatus } from '../stage/stage.js';
import { SluiceError } from '../model/errors.js';
import { InputError } from '../model/errors.js';
import { newToken, refusal } from './guard.js';
import { pipelineGraph } from './graph.js';
import { layoutGraph, type LaidOutGraph } from './layout.js';
import { describeNode } from './describe.js';
import { previewOf, SAFE_IMAGE_TYPES } from './preview.js';
import { watchByPolling, watchLocalState, type ChangeWatch } from './changes.js';
import { pageHtml, PAGE_SCRIPT, PAGE_STYLE } from './page.js';
import { kindOf } from '../model/kinds.js';

/** Options of `startConsole`. */
export interface ConsoleOptions {
  stage: Stage;
  /** The local state folder (live updates, and where branches are looked for). */
  stateDir?: string;
  /** The project's `.sluice` folder, holding `<stage>/branches/`. */
  sluiceDir?: string;
  /** @default 0, a free port */
  port?: number;
  /** @default a new random one */
  token?: string;
  /** The cost panel's source; without it `/api/cost` answers 501. */
  cost?: CostPanel;
}

/** A running console. */
export interface RunningConsole {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/**
 * What the cost panel shows: given the stage, what `/api/cost` answers (the CLI passes `sluice cost`'s
 * estimate, so the console does not depend on src/cost/ itself).
 */
export type CostPanel = (stage: Stage) => Promise<unknown>;

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const BRANCH_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/**
 * Start the console.
 * @example const c = await startConsole({ stage, stateDir }); console.log(c.url)
 */
export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const { stage } = options;
  const token = options.token ?? newToken();
  const laid: LaidOutGraph = await layoutGraph(pipelineGraph(stage.pipeline));
  const clients = new Set<ServerResponse>();
  let lastStatus = '';
  let reading = false;
  let again = false;
  const branchesDir = options.sluiceDir ? join(options.sluiceDir, stage.name, 'branches') : undefined;

  const broadcast = async () => {
    if (clients.size === 0) return;
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        const text = JSON.stringify(await stage.status());
        if (text !== lastStatus) {
          lastStatus = text;
          for (const c of clients) c.write(`event: status\ndata: ${text}\n\n`);
        }
      } while (again);
    } catch {
      // The next change tries again.
    } finally {
      reading = false;
    }
  };
  const watch: ChangeWatch = options.stateDir && stage.name === 'local' ? watchLocalState(options.stateDir, () => void broadcast()) : watchByPolling(() => void broadcast());

  const api = async (req: IncomingMessage, url: URL): Promise<unknown> => {
    const q = (name: string) => {
      const v = url.searchParams.get(name);
      if (v === null) throw new HttpError(400, `missing query parameter '${name}'`);
      return v;
    };
    const node = (name: string) => {
      const n = stage.pipeline.node(name);
      if (!n) throw new HttpError(404, `no node '${name}' in pipeline '${stage.pipeline.name}'`);
      return n;
    };
    switch (url.pathname) {
      case '/api/graph':
        return { pipeline: stage.pipeline.name, stage: stage.name, layout: laid, status: await stage.status() };
      case '/api/status':
        return stage.status();
      case '/api/node': {
        const n = node(q('name'));
        const described = describeNode(stage.pipeline, n);
        const [deadLetters, activity, executions] = await Promise.all([
          described.deadLetters ? stage.deadLetters(n.name) : undefined,
          described.ops.includes('logs') ? stage.activity(n.name, { limit: 30 }) : undefined,
          described.ops.includes('executions') ? stage.executions(n.name, { limit: 20 }) : undefined,
        ]);
        const status = (await stage.status()).nodes.find((s) => s.node === n.name);
        return { ...described, status, deadLetters, activity, executions };
      }
      case '/api/objects': {
        const bucket = q('bucket');
        const all = await stage.list(bucket, url.searchParams.get('prefix') ?? '');
        const after = url.searchParams.get('after') ?? '';
        const page = all.filter((o) => o.key > after).slice(0, 200);
        return { bucket, objects: page, total: all.length, more: all.length > 0 && page.length === 200 && page[page.length - 1]!.key !== all[all.length - 1]!.key };
      }
      case '/api/preview': {
        const bucket = q('bucket');
        const object = await stage.get(bucket, q('key'));
        const format = (node(bucket).props as { format?: string }).format;
        const { body: _body, ...meta } = object;
        return { ...meta, preview: await previewOf(object, format, Number(url.searchParams.get('page') ?? 0) || 0) };
      }
      case '/api/lineage':
        return stage.lineage(q('bucket'), q('key'));
      case '/api/execution':
        return stage.execution(q('flow'), q('id'));
      case '/api/redrive': {
        if (req.method !== 'POST') throw new HttpError(405, 'redrive is a POST');
        const n = node(q('node'));
        if (!kindOf(n).deadLetters) throw new HttpError(400, `${n} has no dead letters to redrive`);
        return { node: n.name, redriven: await stage.redrive(n.name) };
      }
      case '/api/branches':
        return { branches: listBranches(branchesDir) };
      case '/api/cost':
        if (!options.cost) throw new HttpError(501, 'the cost panel is not available in this build of sluice');
        return options.cost(stage);
      default:
        throw new HttpError(404, `no such endpoint '${url.pathname}'`);
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const refused = refusal(req, url, token, port);
      if (refused) return send(res, refused.status, { error: refused.message });
      try {
        if (url.pathname === '/' || url.pathname === '/index.html') return sendText(res, 200, 'text/html; charset=utf-8', pageHtml(token, stage.pipeline.name, stage.name));
        if (url.pathname === '/app.js') return sendText(res, 200, 'text/javascript; charset=utf-8', PAGE_SCRIPT);
        if (url.pathname === '/app.css') return sendText(res, 200, 'text/css; charset=utf-8', PAGE_STYLE);
        if (url.pathname === '/api/events') {
          res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
          res.write(': connected\n\n');
          clients.add(res);
          lastStatus = '';
          req.on('close', () => clients.delete(res));
          void broadcast();
          return;
        }
        if (url.pathname === '/api/download') {
          const object = await stage.get(url.searchParams.get('bucket') ?? '', url.searchParams.get('key') ?? '');
          const ext = /\.[^./]+$/.exec(object.key.toLowerCase())?.[0] ?? '';
          const image = url.searchParams.get('inline') === '1' ? SAFE_IMAGE_TYPES[ext] : undefined;
          const filename = object.key.split('/').pop() || 'object';
          res.writeHead(200, {
            ...SECURITY_HEADERS,
            // Served as bytes, never as a page: an object's body runs nothing in the console's origin.
            'content-type': image ?? 'application/octet-stream',
            'content-disposition': `${image ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(filename)}`,
            'content-security-policy': "default-src 'none'; sandbox",
          });
          return res.end(object.body);
        }
        const deltas = /^\/branches\/([^/]+)\/deltas\.html$/.exec(url.pathname);
        if (deltas) return sendDeltas(res, branchesDir, decodeURIComponent(deltas[1]!));
        send(res, 200, await api(req, url));
      } catch (error) {
        if (error instanceof HttpError) return send(res, error.status, { error: error.message });
        if (error instanceof SluiceError) return send(res, error instanceof InputError ? 400 : 500, { error: error.message, code: error.code });
        send(res, 500, { error: (error as Error).message ?? String(error) });
      }
    })();
  });
  let port: number;
  try {
    port = await listen(server, options.port ?? 0);
  } catch (error) {
    watch.stop();
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    async close() {
      watch.stop();
      for (const c of clients) c.end();
      clients.clear();
      server.closeAllConnections();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    },
  };
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
};

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-frame-options': 'DENY' });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, type: string, text: string): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': type,
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  });
  res.end(text);
}

/** Every branch record under `.sluice/<stage>/branches/`, with whether a deltas report is there. */
function listBranches(dir: string | undefined): unknown[] {
  if (!dir || !existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && BRANCH_NAME.test(d.name) && existsSync(join(dir, d.name, 'branch.json')))
    .map((d) => {
      let record: unknown;
      try {
        record = JSON.parse(readFileSync(join(dir, d.name, 'branch.json'), 'utf8'));
      } catch {
        record = { error: 'branch.json is not JSON' };
      }
      return { name: d.name, record, deltas: existsSync(join(dir, d.name, 'deltas.html')) };
    });
}

/** A branch's deltas report, sandboxed (it runs nothing in the console's origin). */
function sendDeltas(res: ServerResponse, dir: string | undefined, name: string): void {
  const file = dir && BRANCH_NAME.test(name) ? resolve(dir, name, 'deltas.html') : undefined;
  if (!dir || !file || !file.startsWith(resolve(dir) + sep) || !existsSync(file)) return send(res, 404, { error: `no deltas report for branch '${name}'` });
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "sandbox allow-scripts; default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:", 'x-frame-options': 'SAMEORIGIN' });
  res.end(readFileSync(file));
}

function listen(server: ReturnType<typeof createServer>, port: number): Promise<number> {
  return new Promise((resolveListen, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') reject(new InputError('SLUICE_E_CONSOLE_PORT_IN_USE', `port ${port} on 127.0.0.1 is not available (${error.code}); pass another --port, or --port 0 for a free one`, { field: '--port', given: port }));
      else reject(error);
    });
    server.listen(port, '127.0.0.1', () => resolveListen((server.address() as { port: number }).port));
  });
}

export type { StageStatus };
