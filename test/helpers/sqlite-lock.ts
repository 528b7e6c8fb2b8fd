import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

/**
 * A child process that takes the SQLite write lock on `file` (BEGIN IMMEDIATE), holds it for `ms`
 * and commits, as a `watchpost` CLI command or another node would. `locked` resolves once it
 * holds the lock, `exited` once it let go and ended.
 */
export function holdSqliteLock(file: string, ms: number): { locked: Promise<void>; exited: Promise<void> } {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const script = `const db = new (require(${JSON.stringify(driver)}))(${JSON.stringify(file)}); db.exec('BEGIN IMMEDIATE'); console.log('locked'); setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const locked = new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the lock holder exited with ${code} before locking`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { locked, exited };
}
