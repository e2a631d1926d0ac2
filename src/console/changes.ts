/**
 * Knowing when the stage changed, to push fresh counts to the page. Locally the server keeps its own
 * read connection to the state database and checks SQLite's `data_version`, which changes whenever
 * another connection commits (`sluice put` in another shell, `sluice dev` working): a cheap in-process
 * check every 100 ms, not a query per page. On AWS, where nothing announces a change, the status is
 * read again every few seconds, and only while a page is watching.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** Something that calls back when the stage may have changed; `stop()` ends it. */
export interface ChangeWatch {
  stop(): void;
}

/** Local: call `onChange` after each commit to the state database at `stateDir`. */
export function watchLocalState(stateDir: string, onChange: () => void, everyMs = 100): ChangeWatch {
  const file = join(stateDir, 'state.db');
  let db: Database.Database | undefined;
  let last: number | undefined;
  const timer = setInterval(() => {
    try {
      if (!db) {
        if (!existsSync(file)) return;
        db = new Database(file, { readonly: true, fileMustExist: true });
      }
      const version = db.pragma('data_version', { simple: true }) as number;
      if (last !== undefined && version !== last) onChange();
      last = version;
    } catch {
      // The state being replaced or locked for a moment: look again next time.
      db?.close();
      db = undefined;
    }
  }, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      db?.close();
    },
  };
}

/** AWS: call `onChange` every `everyMs` (the caller compares what it reads). */
export function watchByPolling(onChange: () => void, everyMs = 5000): ChangeWatch {
  const timer = setInterval(onChange, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
