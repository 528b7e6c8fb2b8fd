import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

/**
 * The URL of a module next to `from` (pass `import.meta.url`): `name.js` in the built server,
 * `name.ts` when running from sources (tests, `tsx`).
 */
export function siblingModule(from: string, name: string): URL {
  const ts = new URL(`./${name}.ts`, from);
  if (from.endsWith('.ts') && existsSync(fileURLToPath(ts))) return ts;
  return new URL(`./${name}.js`, from);
}

/**
 * Starts a worker thread running the module at `url`. Built JavaScript runs as is; a TypeScript
 * source (tests run from sources) is loaded through tsx's `tsImport`, which compiles it and its
 * imports for that worker only.
 */
export function startModuleWorker(url: URL, options: { name: string; resourceLimits?: ResourceLimits }): Worker {
  const common = { name: options.name, ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}) };
  if (!url.pathname.endsWith('.ts')) return new Worker(url, common);
  const tsxApi = tsxEsmApi();
  const bootstrap = `
    const { workerData } = require('node:worker_threads');
    import(workerData.tsxApi)
      .then(({ tsImport }) => tsImport(workerData.url, workerData.url))
      .catch((error) => { setImmediate(() => { throw error; }); });
  `;
  return new Worker(bootstrap, { ...common, eval: true, workerData: { tsxApi, url: url.href } });
}

/** The URL of tsx's ESM API (its CommonJS build can't register the loader from an eval worker). */
function tsxEsmApi(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const exports = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports;
  const entry = exports['./esm/api']?.import.default;
  if (!entry) throw new Error('tsx has no ./esm/api export; running TypeScript workers needs tsx 4');
  return new URL(entry, pathToFileURL(manifest)).href;
}
