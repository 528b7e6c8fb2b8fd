// Realistic Sentry envelopes for the ingest benchmark, built from templates so the load generator
// spends microseconds per request, not a JSON.stringify of a 5 KB object: each template is
// serialised once with @@SLOT@@ markers, split, and joined with fresh values per request.

/** A small deterministic PRNG (mulberry32), so every run sends the same mix. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Slots = Record<string, string>;

/** A serialised document with holes; `fill` joins it with per-request values. */
export class Template {
  private readonly parts: string[] = [];
  private readonly names: string[] = [];

  constructor(text: string) {
    const pieces = text.split(/"@@([A-Z0-9_]+)@@"/);
    for (let i = 0; i < pieces.length; i++) {
      if (i % 2 === 0) this.parts.push(pieces[i] ?? '');
      else this.names.push(pieces[i] ?? '');
    }
  }

  /** Values are inserted raw in place of a whole "@@NAME@@" string: give JSON (quoted strings, numbers). */
  fill(values: Slots): string {
    let out = this.parts[0] ?? '';
    for (let i = 0; i < this.names.length; i++) out += (values[this.names[i] ?? ''] ?? 'null') + (this.parts[i + 1] ?? '');
    return out;
  }
}

const slot = (name: string) => `@@${name}@@`;
const hex = (rand: () => number, chars: number) => {
  let out = '';
  while (out.length < chars) out += Math.floor(rand() * 0x100000000).toString(16).padStart(8, '0');
  return out.slice(0, chars);
};
const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;

const MODULES = ['orders', 'billing', 'users', 'auth', 'inventory', 'search', 'notifications', 'reports', 'shipping', 'catalog', 'payments', 'checkout', 'accounts', 'webhooks', 'exports', 'imports', 'pricing', 'reviews', 'media', 'sessions'];
const VERBS = ['load', 'save', 'validate', 'apply', 'compute', 'resolve', 'sync', 'render', 'parse', 'fetch', 'update', 'create', 'remove', 'publish', 'schedule', 'refund', 'merge', 'index', 'notify', 'archive'];
const NOUNS = ['Order', 'Invoice', 'Cart', 'Session', 'Token', 'Profile', 'Payment', 'Coupon', 'Shipment', 'Product', 'Review', 'Report', 'Webhook', 'Export', 'Price', 'Account', 'Address', 'Subscription', 'Discount', 'Refund'];
const KINDS = ['service', 'handler', 'repository', 'validator'];
const ERRORS: Array<[string, (n: string) => string]> = [
  ['TypeError', (n) => `Cannot read properties of undefined (reading 'id') while handling order ${n}`],
  ['RangeError', (n) => `Index ${n} out of range for list of 25 items`],
  ['Error', (n) => `Request failed with status code 502 after ${n} ms`],
  ['ValidationError', (n) => `Field "quantity" must be a positive integer, got ${n}`],
  ['DatabaseError', (n) => `duplicate key value violates unique constraint "orders_pkey" (id=${n})`],
  ['TimeoutError', (n) => `Operation timed out after ${n} ms waiting for a connection`],
  ['NotFoundError', (n) => `Customer ${n} not found`],
  ['SyntaxError', (n) => `Unexpected token < in JSON at position ${n}`],
];
const LIBRARY_FRAMES: Array<[string, string, string]> = [
  ['node:internal/process/task_queues', 'process.processTicksAndRejections', 'node:internal/process/task_queues'],
  ['/app/node_modules/express/lib/router/layer.js', 'Layer.handle [as handle_request]', 'express.lib.router:layer'],
  ['/app/node_modules/express/lib/router/route.js', 'next', 'express.lib.router:route'],
  ['/app/node_modules/express/lib/router/route.js', 'Route.dispatch', 'express.lib.router:route'],
  ['/app/node_modules/express/lib/router/index.js', 'Function.process_params', 'express.lib.router:index'],
  ['/app/node_modules/express/lib/router/index.js', 'next', 'express.lib.router:index'],
  ['/app/node_modules/body-parser/lib/read.js', 'invokeCallback', 'body-parser.lib:read'],
  ['/app/node_modules/raw-body/index.js', 'done', 'raw-body:index'],
  ['/app/node_modules/pg-pool/index.js', 'Pool.connect', 'pg-pool:index'],
  ['/app/node_modules/pg/lib/client.js', 'Client._handleReadyForQuery', 'pg.lib:client'],
  ['/app/node_modules/@sentry/node/build/cjs/integrations/tracing/express.js', 'sentryWrapped', '@sentry.node.build.cjs.integrations.tracing:express'],
  ['node:events', 'EventEmitter.emit', 'node:events'],
  ['node:internal/streams/readable', 'addChunk', 'node:internal/streams/readable'],
];
const CODE = [
  'const existing = await this.repository.findById(input.id);',
  'if (!existing) throw new NotFoundError(`Customer ${input.customerId} not found`);',
  'const total = items.reduce((sum, item) => sum + item.price * item.quantity, 0);',
  'logger.debug({ orderId: order.id, total }, "computed order total");',
  'return this.mapper.toResponse(result, { locale: request.locale });',
  'for (const line of invoice.lines) {',
  '  line.tax = Math.round(line.amount * rate) / 100;',
  '}',
  'await this.queue.publish("orders.updated", { id: order.id, status });',
  'const { data } = await client.get(`/v1/charges/${chargeId}`, { timeout: 5000 });',
  'if (quantity <= 0 || !Number.isInteger(quantity)) {',
  'throw new ValidationError(`Field "quantity" must be a positive integer, got ${quantity}`);',
  'const session = await sessions.get(request.cookies.sid);',
  'const rows = await db.query("SELECT * FROM orders WHERE customer_id = $1", [customerId]);',
  'return res.status(200).json({ items: rows.map(serialize), next: cursor });',
  'this.cache.set(key, value, { ttl: 60_000 });',
  'export async function handler(req, res, next) {',
  'try {',
  '} catch (error) {',
  '  next(error);',
];
const ROUTES = ['GET /api/orders/:id', 'POST /api/orders', 'GET /api/customers/:id/invoices', 'PUT /api/cart/:id/items', 'POST /api/checkout', 'GET /api/products', 'GET /api/search', 'POST /api/webhooks/stripe', 'DELETE /api/sessions/:id', 'PATCH /api/accounts/:id'];
const ENVIRONMENTS = ['"production"', '"production"', '"production"', '"staging"', '"development"'];
const RELEASES = ['"api@4.12.0"', '"api@4.12.1"', '"api@4.13.0"', '"api@4.13.1"', '"api@4.14.0"'];
const SDK = {
  name: 'sentry.javascript.node',
  version: '8.47.0',
  integrations: ['InboundFilters', 'FunctionToString', 'LinkedErrors', 'RequestData', 'Console', 'Http', 'NodeFetch', 'OnUncaughtException', 'OnUnhandledRejection', 'ContextLines', 'LocalVariables', 'Context', 'Modules', 'Express', 'Postgres', 'ProcessSession'],
  packages: [{ name: 'npm:@sentry/node', version: '8.47.0' }],
};

function contextLines(rand: () => number) {
  const at = Math.floor(rand() * CODE.length);
  const line = (i: number) => CODE[(at + i + CODE.length) % CODE.length] ?? '';
  return { pre_context: [-2, -1].map(line), context_line: line(0), post_context: [1, 2].map(line) };
}

/** One throw site: a fixed stack (so it groups into one issue) and an exception kind. */
function errorSite(index: number): Template {
  const rand = prng(index + 1);
  const module = MODULES[index % MODULES.length] ?? 'orders';
  const noun = NOUNS[Math.floor(index / MODULES.length) % NOUNS.length] ?? 'Order';
  const verb = VERBS[(index * 7 + Math.floor(index / 400)) % VERBS.length] ?? 'load';
  const kind = KINDS[Math.floor(index / 400) % KINDS.length] ?? 'service';
  const file = `/app/src/${module}/${noun.toLowerCase()}-${kind}.js`;
  const [type] = ERRORS[index % ERRORS.length] ?? ERRORS[0]!;
  const route = ROUTES[index % ROUTES.length] ?? 'GET /';

  // Oldest first, as Sentry sends them: library frames, then the app's call chain down to the throw.
  const frames: unknown[] = [];
  const libraryCount = 7 + Math.floor(rand() * rand() * 16);
  for (let i = 0; i < libraryCount; i++) {
    const [filename, fn, mod] = pick(rand, LIBRARY_FRAMES);
    frames.push({ filename, module: mod, function: fn, lineno: 1 + Math.floor(rand() * 400), colno: 1 + Math.floor(rand() * 40), in_app: false });
  }
  const appChain = [
    [`/app/src/routes/${module}.js`, `${module}Router.handle`],
    [`/app/src/${module}/controller.js`, `${noun}Controller.${verb}`],
    [`/app/src/${module}/${noun.toLowerCase()}-service.js`, `${noun}Service.${verb}${noun}`],
    [file, `${verb}${noun}${kind === 'service' ? '' : kind[0]?.toUpperCase() + kind.slice(1)}${index >= 800 ? 'Legacy' : ''}`],
  ].slice(Math.floor(rand() * 2));
  for (const [filename, fn] of appChain) {
    frames.push({ filename, module: `${module}:${(filename ?? '').split('/').pop()?.replace('.js', '')}`, function: fn, lineno: 10 + Math.floor(rand() * 300), colno: 5 + Math.floor(rand() * 30), in_app: true, ...contextLines(rand) });
  }

  const breadcrumbs = Array.from({ length: 2 + Math.floor(rand() * 7) }, (_, i) =>
    i % 3 === 0
      ? { timestamp: slot('TS'), category: 'http', type: 'http', data: { method: 'GET', url: `https://payments.internal.example.com/v1/charges/${1000 + i}`, status_code: 200 } }
      : i % 3 === 1
        ? { timestamp: slot('TS'), category: 'query', message: 'SELECT id, status, total FROM orders WHERE customer_id = $1 LIMIT 50' }
        : { timestamp: slot('TS'), category: 'console', level: 'info', message: `cache miss for ${module}:${noun.toLowerCase()}` },
  );

  const event = {
    event_id: slot('EVENT_ID'),
    timestamp: slot('TS'),
    platform: 'node',
    level: 'error',
    server_name: `api-${index % 6}.prod.internal`,
    release: slot('RELEASE'),
    environment: slot('ENVIRONMENT'),
    transaction: route,
    exception: {
      values: [{ type, value: slot('MESSAGE'), mechanism: { type: 'middleware', handled: false }, stacktrace: { frames } }],
    },
    breadcrumbs: { values: breadcrumbs },
    tags: { region: pick(rand, ['eu-west-1', 'us-east-1', 'ap-south-1']), tier: pick(rand, ['free', 'team', 'enterprise']), route },
    user: { id: slot('USER_ID'), ip_address: '203.0.113.42', segment: 'paying' },
    request: {
      method: route.split(' ')[0],
      url: `https://api.example.com${route.split(' ')[1]?.replace(':id', String(40_000 + index)) ?? '/'}`,
      query_string: 'expand=lines&limit=50',
      headers: {
        host: 'api.example.com',
        'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
        accept: 'application/json',
        'accept-language': 'en-GB,en;q=0.9',
        'accept-encoding': 'gzip, deflate, br',
        'x-request-id': slot('REQUEST_ID'),
        'x-forwarded-for': '203.0.113.42',
      },
    },
    contexts: {
      trace: { trace_id: slot('TRACE_ID'), span_id: slot('SPAN_ID'), op: 'http.server', status: 'internal_error' },
      os: { kernel_version: '6.1.0-21-cloud-amd64', name: 'Linux', version: '6.1.0' },
      runtime: { name: 'node', version: 'v20.19.2' },
      app: { app_start_time: '2025-01-10T08:00:00.000Z', app_memory: 187_432_960 },
      device: { boot_time: '2025-01-10T07:58:12.000Z', arch: 'x64', memory_size: 8_221_048_832, free_memory: 3_112_345_600, processor_count: 2, cpu_description: 'Intel(R) Xeon(R) CPU @ 2.20GHz', processor_frequency: 2200 },
      culture: { locale: 'en-US', timezone: 'UTC' },
    },
    extra: { orderId: slot('ORDER'), attempt: 1 },
    sdk: SDK,
  };
  return new Template(JSON.stringify(event));
}

/** One endpoint's transaction: a fixed set of child spans (db queries, outgoing HTTP, middleware). */
function transactionSite(index: number): { template: Template; spans: number } {
  const rand = prng(10_000 + index);
  const module = MODULES[index % MODULES.length] ?? 'orders';
  const method = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'][index % 6] ?? 'GET';
  const name = `${method} /api/v${1 + (index % 2)}/${module}/${['', ':id', ':id/items', 'search', ':id/history', 'export', 'bulk', ':id/status', 'recent', 'stats'][Math.floor(index / 20) % 10]}`;
  const count = 5 + Math.floor(rand() * 16);
  const spans: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const r = rand();
    const [op, description] =
      r < 0.45
        ? ['db', `SELECT id, status, total, created_at FROM ${module} WHERE ${pick(rand, ['id', 'customer_id', 'account_id'])} = $1 LIMIT ${pick(rand, [1, 50, 100])}`]
        : r < 0.65
          ? ['http.client', `${pick(rand, ['GET', 'POST'])} https://${pick(rand, ['payments', 'search', 'mailer'])}.internal.example.com/v1/${module}/${1000 + Math.floor(rand() * 9000)}`]
          : r < 0.85
            ? ['middleware.express', pick(rand, ['jsonParser', 'corsMiddleware', 'authenticate', 'rateLimit', 'requestLogger'])]
            : ['cache.get', `${module}:${pick(rand, ['list', 'item', 'count'])}`];
    spans.push({ span_id: slot(`S${i}`), parent_span_id: slot('SPAN_ID'), trace_id: slot('TRACE_ID'), op, description, start_timestamp: slot(`S${i}_START`), timestamp: slot(`S${i}_END`), status: 'ok', origin: 'auto.http.otel', data: { 'sentry.origin': 'auto', 'otel.kind': 'CLIENT' } });
  }
  const tx = {
    type: 'transaction',
    event_id: slot('EVENT_ID'),
    platform: 'node',
    transaction: name,
    transaction_info: { source: 'route' },
    start_timestamp: slot('START'),
    timestamp: slot('END'),
    release: slot('RELEASE'),
    environment: slot('ENVIRONMENT'),
    server_name: `api-${index % 6}.prod.internal`,
    contexts: {
      trace: { trace_id: slot('TRACE_ID'), span_id: slot('SPAN_ID'), op: 'http.server', status: slot('STATUS'), data: { 'http.response.status_code': slot('HTTP_STATUS'), 'http.method': method } },
      runtime: { name: 'node', version: 'v20.19.2' },
    },
    spans,
    measurements: {},
    request: { method, url: `https://api.example.com${name.split(' ')[1] ?? '/'}`, headers: { host: 'api.example.com', 'user-agent': 'okhttp/4.12.0' } },
    sdk: SDK,
  };
  return { template: new Template(JSON.stringify(tx)), spans: count };
}

export interface PayloadFactory {
  /** A new envelope body (uncompressed). */
  next(): Buffer;
}

/** Error envelopes from `sites` throw sites, skewed (a few loud issues, a long tail). */
export function errorEnvelopes(publicKey: string, sites = 1000, seed = 1): PayloadFactory {
  const templates = Array.from({ length: sites }, (_, i) => errorSite(i));
  const rand = prng(seed);
  return {
    next() {
      // Squaring skews towards low indices while every site still comes up.
      const site = Math.min(sites - 1, Math.floor(rand() * rand() * sites * 1.2) % sites);
      const eventId = hex(rand, 32);
      const ts = (Date.now() / 1000).toFixed(3);
      const event = templates[site]!.fill({
        EVENT_ID: `"${eventId}"`,
        TS: ts,
        RELEASE: pick(rand, RELEASES),
        ENVIRONMENT: pick(rand, ENVIRONMENTS),
        MESSAGE: JSON.stringify((ERRORS[site % ERRORS.length] ?? ERRORS[0]!)[1](String(Math.floor(rand() * 100_000)))),
        USER_ID: `"${Math.floor(rand() * 20_000)}"`,
        ORDER: String(Math.floor(rand() * 1_000_000)),
        REQUEST_ID: `"${hex(rand, 16)}"`,
        TRACE_ID: `"${hex(rand, 32)}"`,
        SPAN_ID: `"${hex(rand, 16)}"`,
      });
      const header = `{"event_id":"${eventId}","sent_at":"${new Date().toISOString()}","sdk":{"name":"sentry.javascript.node","version":"8.47.0"}}`;
      return Buffer.from(`${header}\n{"type":"event"}\n${event}\n`);
    },
  };
}

/** Legacy `transaction` envelopes over `endpoints` endpoint names, 5–20 spans each. */
export function transactionEnvelopes(publicKey: string, endpoints = 200, seed = 2): PayloadFactory {
  const sites = Array.from({ length: endpoints }, (_, i) => transactionSite(i));
  const rand = prng(seed);
  return {
    next() {
      const { template, spans } = sites[Math.floor(rand() * rand() * endpoints)]!;
      const eventId = hex(rand, 32);
      const traceId = hex(rand, 32);
      const end = Date.now() / 1000;
      const duration = 0.005 + rand() * rand() * 1.5;
      const start = end - duration;
      const failed = rand() < 0.03;
      const values: Slots = {
        EVENT_ID: `"${eventId}"`,
        TRACE_ID: `"${traceId}"`,
        SPAN_ID: `"${hex(rand, 16)}"`,
        START: start.toFixed(4),
        END: end.toFixed(4),
        STATUS: failed ? '"internal_error"' : '"ok"',
        HTTP_STATUS: failed ? '500' : '200',
        RELEASE: pick(rand, RELEASES),
        ENVIRONMENT: pick(rand, ENVIRONMENTS),
      };
      for (let i = 0; i < spans; i++) {
        const s = start + rand() * duration * 0.8;
        values[`S${i}`] = `"${hex(rand, 16)}"`;
        values[`S${i}_START`] = s.toFixed(4);
        values[`S${i}_END`] = Math.min(end, s + rand() * duration * 0.3).toFixed(4);
      }
      const tx = template.fill(values);
      const header = `{"event_id":"${eventId}","sent_at":"${new Date().toISOString()}","sdk":{"name":"sentry.javascript.node","version":"8.47.0"},"trace":{"trace_id":"${traceId}","environment":${values.ENVIRONMENT},"release":${values.RELEASE},"public_key":"${publicKey}"}}`;
      return Buffer.from(`${header}\n{"type":"transaction"}\n${tx}\n`);
    },
  };
}
