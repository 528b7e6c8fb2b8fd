import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';

/** The original sources; tests assert these line numbers and names after symbolication. */
export const CHECKOUT_TS = [
  'export function placeOrder(total: number): number {', // 1
  '  const fee = total * 0.1;', // 2
  '  return chargeCard(total + fee);', // 3
  '}', // 4
  '', // 5
  'function chargeCard(amount: number): number {', // 6
  '  if (amount > 100) {', // 7
  '    throw new Error(`Card declined for ${amount}`);', // 8
  '  }', // 9
  '  return amount;', // 10
  '}', // 11
].join('\n');

const MAIN_TS = ["import { placeOrder } from './checkout';", '', 'export function onPay(): number {', '  return placeOrder(500);', '}', '(globalThis as unknown as { pay: () => number }).pay = onPay;'].join('\n');

/** A Sentry stack frame as a browser SDK sends it. */
export interface SentryFrame {
  function: string;
  abs_path: string;
  filename: string;
  lineno: number;
  colno: number;
  in_app: boolean;
}

export interface JsBuild {
  /** The build output: main.js and main.js.map. */
  readonly outDir: string;
  readonly code: string;
  readonly map: string;
  /** Copies the build output to a new directory (to inject debug ids into, say). */
  copy(): string;
  /** Runs the bundle as if loaded from `url` and returns the thrown error's frames, caller first. */
  framesFrom(url: string, dir?: string): SentryFrame[];
  cleanup(): void;
}

/** Bundles and minifies a two-file TypeScript app with esbuild (external map with sourcesContent). */
export async function buildCheckoutApp(): Promise<JsBuild> {
  const root = mkdtempSync(join(tmpdir(), 'wp-js-'));
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src', 'checkout.ts'), CHECKOUT_TS);
  writeFileSync(join(root, 'src', 'main.ts'), MAIN_TS);
  const outDir = join(root, 'dist');
  await build({ entryPoints: [join(root, 'src', 'main.ts')], bundle: true, minify: true, format: 'iife', sourcemap: true, sourcesContent: true, outfile: join(outDir, 'main.js'), logLevel: 'silent' });
  const copies: string[] = [];
  return {
    outDir,
    code: readFileSync(join(outDir, 'main.js'), 'utf8'),
    map: readFileSync(join(outDir, 'main.js.map'), 'utf8'),
    copy() {
      const dir = mkdtempSync(join(tmpdir(), 'wp-js-copy-'));
      cpSync(outDir, dir, { recursive: true });
      copies.push(dir);
      return dir;
    },
    framesFrom(url, dir = outDir) {
      // The bundle assigns globalThis.pay; in a new context that is this object.
      const sandbox: { pay?: () => number } = {};
      runInNewContext(readFileSync(join(dir, 'main.js'), 'utf8'), sandbox, { filename: url });
      let stack = '';
      try {
        sandbox.pay?.();
      } catch (error) {
        stack = (error as Error).stack ?? '';
      }
      return stack
        .split('\n')
        .map((line) => /^\s*at (?:(.+?) \()?(\S+):(\d+):(\d+)\)?$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null && m[2] === url)
        .map((m) => ({ function: m[1] ?? '?', abs_path: url, filename: url, lineno: Number(m[3]), colno: Number(m[4]), in_app: true }))
        .reverse();
    },
    cleanup() {
      for (const dir of [root, ...copies]) rmSync(dir, { recursive: true, force: true });
    },
  };
}
