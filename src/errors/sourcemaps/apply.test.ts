import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';
import { AnyMap } from '@jridgewell/trace-mapping';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeEvent, type NormalizedEvent } from '../event.js';
import { computeGrouping } from '../grouping.js';
import { prettySource, symbolicateEvent, type LoadedMap, type MapLoader } from './apply.js';
import { lineStarts } from './scope.js';
import { CHECKOUT_TS } from '../../../test/helpers/js-bundle.js';

const URL_BASE = 'http://shop.test/static';

/** An app in two TypeScript files plus a library in node_modules; line numbers below are asserted. */
const FILES: Record<string, string> = {
  // The same source the end-to-end tests bundle, so line numbers asserted there and here agree.
  'src/checkout.ts': CHECKOUT_TS,
  'src/main.ts': [
    "import { retry } from 'tiny-retry';",
    "import { placeOrder } from './checkout';",
    '',
    'export function onPay(): number {',
    '  return retry(() => placeOrder(500));',
    '}',
    '(globalThis as unknown as { __wpCheckout: () => number }).__wpCheckout = onPay;',
  ].join('\n'),
  'node_modules/tiny-retry/index.js': 'export function retry(fn) {\n  return fn();\n}\n',
  'node_modules/tiny-retry/package.json': '{"name":"tiny-retry","version":"1.0.0","module":"index.js","main":"index.js"}',
};

let dir: string;
let code: string;
let mapJson: string;
/** The same app built without renaming identifiers: other names, other columns. */
let plain: { code: string; map: string };

async function bundle(minifyIdentifiers: boolean): Promise<{ code: string; map: string }> {
  const result = await build({
    entryPoints: [join(dir, 'src/main.ts')],
    bundle: true,
    minifyWhitespace: true,
    minifySyntax: true,
    minifyIdentifiers,
    format: 'iife',
    sourcemap: 'external',
    sourcesContent: true,
    write: false,
    outfile: join(dir, 'dist/main.js'),
    logLevel: 'silent',
  });
  return { code: result.outputFiles.find((f) => f.path.endsWith('.js'))?.text ?? '', map: result.outputFiles.find((f) => f.path.endsWith('.map'))?.text ?? '' };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wp-sourcemap-'));
  for (const [path, content] of Object.entries(FILES)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  ({ code, map: mapJson } = await bundle(true));
  plain = await bundle(false);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a bundle as if loaded from URL_BASE and turns the thrown error into a Sentry event. */
function throwAndCapture(script = code): NormalizedEvent {
  runInThisContext(script, { filename: `${URL_BASE}/main.js` });
  let stack = '';
  try {
    (globalThis as unknown as { __wpCheckout: () => number }).__wpCheckout();
  } catch (error) {
    stack = (error as Error).stack ?? '';
  }
  const frames = stack
    .split('\n')
    .map((line) => /^\s*at (?:(.+?) \()?(\S+):(\d+):(\d+)\)?$/.exec(line))
    .filter((m) => m !== null && m[2]?.startsWith(URL_BASE))
    .map((m) => ({ function: m?.[1] ?? '?', abs_path: m?.[2], filename: m?.[2], lineno: Number(m?.[3]), colno: Number(m?.[4]), in_app: true }))
    .reverse();
  return normalizeEvent(
    { platform: 'javascript', release: 'shop@1.0.0', exception: { values: [{ type: 'Error', value: 'Card declined for 550', stacktrace: { frames } }] } },
    { receivedAt: Date.now() },
  );
}

function loaderFor(json: string, minifiedCode: string | null = code): MapLoader {
  const name = '~/static/main.js.map';
  const map = new AnyMap(json, name);
  const minified = minifiedCode === null ? null : { text: minifiedCode, starts: lineStarts(minifiedCode), declarations: new Map<string, number | null>() };
  const loaded: LoadedMap = { map, name, via: 'release', minified, lines: (i) => map.sourcesContent?.[i]?.split('\n') ?? null };
  return (url) => Promise.resolve(url.startsWith(URL_BASE) ? loaded : { type: 'js_no_source', url });
}

type DataFrame = Record<string, unknown> & { data?: { minified?: Record<string, unknown> } };
const storedFrames = (event: NormalizedEvent) => (event.data.exception as { values: Array<{ stacktrace: { frames: DataFrame[] } }> }).values[0]?.stacktrace.frames ?? [];

describe('symbolicateEvent', () => {
  it('maps minified frames to the original file, line, function and source context', async () => {
    const event = throwAndCapture();
    const minifiedTop = event.exceptions[0]?.frames.at(-1);
    expect(minifiedTop?.lineno).toBe(1);
    expect(minifiedTop?.function).not.toBe('chargeCard');

    await symbolicateEvent(event, loaderFor(mapJson));
    const frames = event.exceptions[0]?.frames ?? [];
    expect(frames.at(-1)).toMatchObject({ filename: 'src/checkout.ts', absPath: '~/src/checkout.ts', function: 'chargeCard', lineno: 8, inApp: true });
    expect(frames.at(-1)?.contextLine).toContain('throw new Error(`Card declined');
    expect(frames.at(-1)?.preContext).toEqual(FILES['src/checkout.ts']?.split('\n').slice(2, 7));
    expect(frames.at(-1)?.postContext).toEqual(FILES['src/checkout.ts']?.split('\n').slice(8, 11));
    expect(frames.at(-2)).toMatchObject({ filename: 'src/checkout.ts', function: 'placeOrder', lineno: 3 });
    // The library frame between the app's frames is mapped too, but is not the app's code.
    expect(frames.find((f) => f.filename?.includes('node_modules/tiny-retry'))).toMatchObject({ inApp: false, function: 'retry', lineno: 2 });
    // The outermost frame has no caller in the bundle: its name comes from its declaration in the minified file.
    expect(frames[0]).toMatchObject({ filename: 'src/main.ts', function: 'onPay', lineno: 5 });

    const stored = storedFrames(event);
    expect(stored.at(-1)).toMatchObject({ filename: 'src/checkout.ts', function: 'chargeCard', lineno: 8, in_app: true, data: { sourcemap: '~/static/main.js.map', resolved_with: 'release' } });
    expect(stored.at(-1)?.data?.minified).toMatchObject({ abs_path: `${URL_BASE}/main.js`, lineno: 1 });
    expect(stored.at(-1)?.pre_context).toHaveLength(5);
    expect(event.data.errors).toBeUndefined();
  });

  it('groups by the original frames, so builds with other minified names and columns share the issue', async () => {
    const event = throwAndCapture();
    await symbolicateEvent(event, loaderFor(mapJson));
    const grouping = computeGrouping(event);
    expect(grouping.culprit).toBe('src/checkout.ts in chargeCard');
    expect(grouping.variant).toBe('in-app-stacktrace');

    const other = throwAndCapture(plain.code);
    expect(other.exceptions[0]?.frames.at(-1)?.colno).not.toBe(event.exceptions[0]?.frames.at(-1)?.colno);
    await symbolicateEvent(other, loaderFor(plain.map, plain.code));
    expect(computeGrouping(other).hash).toBe(grouping.hash);
  });

  it('names frames from their call sites when the minified file was not uploaded', async () => {
    const event = throwAndCapture();
    await symbolicateEvent(event, loaderFor(mapJson, null));
    const frames = event.exceptions[0]?.frames ?? [];
    expect(frames.at(-1)).toMatchObject({ function: 'chargeCard', lineno: 8 });
    expect(frames.at(-2)).toMatchObject({ function: 'placeOrder', lineno: 3 });
    // Nothing in the bundle calls the outermost frame: it keeps its minified name.
    expect(frames[0]).toMatchObject({ filename: 'src/main.ts', lineno: 5 });
  });

  it('records why frames stay minified instead of failing the event', async () => {
    const event = throwAndCapture();
    await symbolicateEvent(event, (url) => Promise.resolve({ type: 'js_no_source', url }));
    expect(event.data.errors).toEqual([{ type: 'js_no_source', url: `${URL_BASE}/main.js` }]);
    expect(event.exceptions[0]?.frames.at(-1)?.lineno).toBe(1);

    const withoutContent = JSON.stringify({ ...(JSON.parse(mapJson) as object), sourcesContent: undefined });
    const bare = throwAndCapture();
    await symbolicateEvent(bare, loaderFor(withoutContent));
    expect(bare.exceptions[0]?.frames.at(-1)).toMatchObject({ filename: 'src/checkout.ts', lineno: 8, contextLine: null });
    expect(storedFrames(bare).at(-1)?.context_line).toBeUndefined();
    expect(bare.data.errors).toEqual([expect.objectContaining({ type: 'js_missing_sources_content', url: `${URL_BASE}/main.js` })]);

    const outside = throwAndCapture();
    const top = outside.exceptions[0]?.frames.at(-1);
    if (top) top.lineno = 999;
    await symbolicateEvent(outside, loaderFor(mapJson));
    expect(outside.data.errors).toEqual([expect.objectContaining({ type: 'js_invalid_sourcemap_location', url: `${URL_BASE}/main.js`, row: 999 })]);
  });

  it('leaves frames without a column, and engine internals, alone', async () => {
    const event = normalizeEvent(
      { exception: { values: [{ type: 'Error', value: 'x', stacktrace: { frames: [{ filename: 'node:internal/timers', lineno: 5, colno: 3 }, { filename: `${URL_BASE}/main.js`, lineno: 1 }] } }] } },
      { receivedAt: Date.now() },
    );
    let asked = 0;
    await symbolicateEvent(event, (url) => {
      asked += 1;
      return Promise.resolve({ type: 'js_no_source', url });
    });
    expect(asked).toBe(0);
    expect(event.data.errors).toBeUndefined();
  });
});

describe('prettySource', () => {
  it.each([
    ['webpack://shop/./src/cart.ts', 'src/cart.ts'],
    ['webpack:///src/cart.ts', 'src/cart.ts'],
    ['https://cdn.test/src/cart.ts', 'src/cart.ts'],
    ['~/src/cart.ts', 'src/cart.ts'],
    ['./src/cart.ts', 'src/cart.ts'],
    ['../lib/x.js', '../lib/x.js'],
  ])('%s → %s', (source, expected) => expect(prettySource(source)).toBe(expected));
});
