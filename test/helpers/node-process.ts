import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Starts a fixture that runs a Watchpost node (via tsx) with only `env` (plus PATH) and resolves
 * once it prints `READY <url>`; rejects with its stderr if it exits first.
 */
export function startNodeProcess(fixture: string, env: Record<string, string>, name = fixture): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /READY (\S+)/.exec(out);
      if (match?.[1]) resolve({ child, url: match[1] });
    });
    child.on('exit', (code, signal) => reject(new Error(`${name} exited with ${code ?? signal}: ${err}`)));
  });
}
