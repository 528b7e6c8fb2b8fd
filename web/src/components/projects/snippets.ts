/** Set-up instructions per SDK, filled in with a project's DSN. */

export interface Snippet {
  title: string;
  code: string;
}

export interface SnippetSet {
  id: 'node' | 'nextjs' | 'browser' | 'curl';
  label: string;
  intro: string;
  steps: Snippet[];
}

/** The server root the DSN points at: scheme, host and any path prefix, without the project id. */
export function originOfDsn(dsn: string): string {
  try {
    const url = new URL(dsn);
    const path = url.pathname.replace(/\/[^/]*$/, '');
    return `${url.protocol}//${url.host}${path}`;
  } catch {
    return window.location.origin;
  }
}

export function buildSnippets(dsn: string, publicKey: string, projectId: number): SnippetSet[] {
  const init = (pkg: string, extra = '') => `import * as Sentry from "${pkg}";

Sentry.init({
  dsn: "${dsn}",${extra}
  tracesSampleRate: 1.0,
});`;
  const origin = originOfDsn(dsn);
  return [
    {
      id: 'node',
      label: 'Node.js',
      intro: 'Install the SDK, then load the instrument file before anything else in your app.',
      steps: [
        { title: 'Terminal', code: 'npm install @sentry/node' },
        { title: 'instrument.mjs', code: init('@sentry/node') },
        { title: 'Start your app with it', code: 'node --import ./instrument.mjs app.mjs' },
      ],
    },
    {
      id: 'nextjs',
      label: 'Next.js',
      intro: 'The Sentry wizard sets everything up; paste the DSN below when it asks. Or configure by hand:',
      steps: [
        { title: 'Terminal', code: 'npx @sentry/wizard@latest -i nextjs' },
        { title: 'instrumentation-client.ts', code: init('@sentry/nextjs') },
        { title: 'sentry.server.config.ts', code: init('@sentry/nextjs') },
      ],
    },
    {
      id: 'browser',
      label: 'Browser',
      intro: 'Initialise the SDK as early as possible in your page’s JavaScript.',
      steps: [
        { title: 'Terminal', code: 'npm install @sentry/browser' },
        { title: 'main.js', code: init('@sentry/browser', '\n  integrations: [Sentry.browserTracingIntegration()],') },
      ],
    },
    {
      id: 'curl',
      label: 'curl',
      intro: 'Send a test message event from a terminal, without any SDK.',
      steps: [
        {
          title: 'Terminal',
          code: `curl -X POST '${origin}/api/${projectId}/store/?sentry_key=${publicKey}&sentry_version=7' \\
  -H 'content-type: application/json' \\
  -d '{"message":"Hello from curl"}'`,
        },
      ],
    },
  ];
}

/** The snippet tab to open first for a project's platform. */
export function defaultSnippet(platform: string | null): SnippetSet['id'] {
  if (platform === 'node' || platform === 'nextjs' || platform === 'browser') return platform;
  return 'curl';
}

const sdkInit = (pkg: string, dsn: string, options: string[] = []) => `import * as Sentry from "${pkg}";

Sentry.init({
  dsn: "${dsn}",${options.map((line) => `\n  ${line}`).join('')}
});`;

/** Set-up for the first error: install, initialise, then send a test error to see it arrive. */
export function errorSnippets(dsn: string): SnippetSet[] {
  return [
    {
      id: 'node',
      label: 'Node.js',
      intro: 'Install the SDK and load the instrument file before anything else; uncaught errors are then reported on their own. To check, send a test error:',
      steps: [
        { title: 'Terminal', code: 'npm install @sentry/node' },
        { title: 'instrument.mjs', code: sdkInit('@sentry/node', dsn, ['environment: process.env.NODE_ENV,', 'release: process.env.RELEASE,']) },
        { title: 'Start your app with it', code: 'node --import ./instrument.mjs app.mjs' },
        {
          title: 'test-error.mjs',
          code: `import "./instrument.mjs";
import * as Sentry from "@sentry/node";

Sentry.captureException(new Error("My first Watchpost error"));
await Sentry.flush(2000);`,
        },
      ],
    },
    {
      id: 'nextjs',
      label: 'Next.js',
      intro: 'The Sentry wizard sets up client, server and edge; paste the DSN when it asks. Or configure by hand, then throw from any page:',
      steps: [
        { title: 'Terminal', code: 'npx @sentry/wizard@latest -i nextjs' },
        { title: 'instrumentation-client.ts', code: sdkInit('@sentry/nextjs', dsn) },
        { title: 'sentry.server.config.ts', code: sdkInit('@sentry/nextjs', dsn) },
        {
          title: 'app/sentry-test/page.tsx',
          code: `"use client";

export default function Page() {
  return <button onClick={() => { throw new Error("My first Watchpost error"); }}>Throw</button>;
}`,
        },
      ],
    },
    {
      id: 'browser',
      label: 'Browser',
      intro: 'Initialise the SDK as early as possible in your page’s JavaScript; unhandled errors and rejections are reported from then on.',
      steps: [
        { title: 'Terminal', code: 'npm install @sentry/browser' },
        { title: 'main.js', code: sdkInit('@sentry/browser', dsn, ['release: "my-app@1.0.0",']) },
        { title: 'Send a test error', code: 'Sentry.captureException(new Error("My first Watchpost error"));' },
      ],
    },
  ];
}

/** Set-up for tracing: the same SDKs with a sample rate for transactions (and Web Vitals in browsers). */
export function tracingSnippets(dsn: string): SnippetSet[] {
  return [
    {
      id: 'node',
      label: 'Node.js',
      intro: 'HTTP servers (Express, Fastify, Koa, …), database calls and outgoing requests are traced automatically once a sample rate is set.',
      steps: [
        { title: 'Terminal', code: 'npm install @sentry/node' },
        { title: 'instrument.mjs', code: sdkInit('@sentry/node', dsn, ['// 1.0 traces every request; lower it (e.g. 0.1) on busy services.', 'tracesSampleRate: 1.0,']) },
        { title: 'Start your app with it', code: 'node --import ./instrument.mjs app.mjs' },
      ],
    },
    {
      id: 'nextjs',
      label: 'Next.js',
      intro: 'Set a sample rate on client and server: page loads, navigations, API routes and server components are traced.',
      steps: [
        { title: 'instrumentation-client.ts', code: sdkInit('@sentry/nextjs', dsn, ['tracesSampleRate: 1.0,']) },
        { title: 'sentry.server.config.ts', code: sdkInit('@sentry/nextjs', dsn, ['tracesSampleRate: 1.0,']) },
      ],
    },
    {
      id: 'browser',
      label: 'Browser',
      intro: 'Browser tracing records page loads and navigations with their Web Vitals (LCP, INP, CLS, FCP, TTFB).',
      steps: [
        { title: 'Terminal', code: 'npm install @sentry/browser' },
        { title: 'main.js', code: sdkInit('@sentry/browser', dsn, ['integrations: [Sentry.browserTracingIntegration()],', 'tracesSampleRate: 1.0,']) },
      ],
    },
  ];
}

/** Set-up for release health: name the release, and sessions are tracked by default. */
export function releaseSnippets(dsn: string): SnippetSet[] {
  return [
    {
      id: 'node',
      label: 'Node.js',
      intro: 'Tag every event with the version you deploy. Server SDKs report request sessions on their own.',
      steps: [{ title: 'instrument.mjs', code: sdkInit('@sentry/node', dsn, ['release: process.env.RELEASE, // e.g. "checkout-api@2.4.1" or a git SHA']) }],
    },
    {
      id: 'nextjs',
      label: 'Next.js',
      intro: 'withSentryConfig sets the release from the git commit; to choose it yourself, set it in each config.',
      steps: [{ title: 'instrumentation-client.ts', code: sdkInit('@sentry/nextjs', dsn, ['release: process.env.NEXT_PUBLIC_RELEASE,']) }],
    },
    {
      id: 'browser',
      label: 'Browser',
      intro: 'The browser SDK starts a session per page load; with a release, crash-free rates appear here.',
      steps: [{ title: 'main.js', code: sdkInit('@sentry/browser', dsn, ['release: "my-app@1.0.0",']) }],
    },
  ];
}
