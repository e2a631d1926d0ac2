/**
 * Loaded into every test process (`--import`, see package.json): once a file's tests have all
 * finished, its process must end by itself. If something it started (a worker, a server, a timer, a
 * database handle) is still keeping it alive a few seconds later, the file fails here, naming what
 * is left, instead of hanging the suite or leaking into the next run.
 */
import { after } from 'node:test';

const GRACE_MS = 5_000;

after(() => {
  setTimeout(() => {
    const handles = (process as unknown as { _getActiveHandles(): object[] })._getActiveHandles().map((h) => h.constructor.name);
    process.stderr.write(`\nexit guard: the tests of this file finished ${GRACE_MS / 1000} s ago, but the process is still kept alive by: ${handles.join(', ') || 'pending requests'}; close what the tests opened (workers, servers, engines, timers)\n`);
    process.exit(1);
  }, GRACE_MS).unref();
});
