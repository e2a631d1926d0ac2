/**
 * The engine lock of a local state folder: one engine (`sluice run`, `sluice dev`) per state. The lock
 * is an exclusive lock the operating system holds on `engine.lock` for as long as the process lives
 * (SQLite's EXCLUSIVE locking mode, which takes a POSIX advisory lock): it is created and taken in one
 * step, two engines can never both hold it, and it is gone the instant its holder dies, however it
 * died, so there is no stale lock to tell from a live one and no process id to be fooled by when the
 * system reuses it. The holder's pid is written beside it only to say who holds it.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ensureStateDir } from '../engine/store/database.js';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SluiceError } from '../model/errors.js';

/**
 * Take the engine lock of `stateDir`, or fail with SLUICE_E_STATE_LOCKED naming the engine holding
 * it. Returns the release (also released by the process ending).
 */
export function lockState(stateDir: string): () => void {
  ensureStateDir(stateDir);
  const lockFile = join(stateDir, 'engine.lock');
  const pidFile = join(stateDir, 'engine.pid');
  let db: Database.Database;
  try {
    db = take(lockFile);
  } catch (error) {
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    const pid = holderPid(pidFile);
    throw new SluiceError('SLUICE_E_STATE_LOCKED', `another sluice engine${pid ? ` (pid ${pid})` : ''} is running on ${stateDir}; stop it, or give this one its own --state DIR`);
  }
  writeFileSync(pidFile, String(process.pid));
  let released = false;
  return () => {
    if (released) return;
    released = true;
    rmSync(pidFile, { force: true });
    db.close();
  };
}

/** Open the lock file and take its exclusive lock; SQLITE_BUSY when another process holds it. */
function take(file: string): Database.Database {
  let db: Database.Database;
  try {
    db = openLock(file);
  } catch (error) {
    // An engine.lock from an older sluice (a text file with a pid) is not a database: replace it.
    if ((error as { code?: string }).code !== 'SQLITE_NOTADB') throw error;
    rmSync(file, { force: true });
    db = openLock(file);
  }
  try {
    // The first write in exclusive mode takes the file's exclusive lock and keeps it until close.
    db.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS holder (pid INTEGER); COMMIT;');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function openLock(file: string): Database.Database {
  // No waiting: a held lock is reported at once.
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('schema_version');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function holderPid(pidFile: string): number | undefined {
  try {
    return Number(readFileSync(pidFile, 'utf8')) || undefined;
  } catch {
    return undefined;
  }
}
