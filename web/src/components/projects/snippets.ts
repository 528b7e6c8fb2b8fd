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
