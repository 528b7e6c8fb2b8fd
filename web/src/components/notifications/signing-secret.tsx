import { useRef } from 'react';
import { Button } from '../button';
import { CodeBlock } from '../code-block';
import { CopyButton } from '../copy-button';
import { AlertIcon } from '../icons';

const VERIFY_SNIPPET = `import { createHmac, timingSafeEqual } from 'node:crypto';

// Standard Webhooks: HMAC-SHA256 over "<webhook-id>.<webhook-timestamp>.<raw body>",
// keyed with the base64 after "whsec_"; the header holds "v1,<base64 signature>".
export function verifyWatchpost(headers, rawBody, secret = process.env.WATCHPOST_WEBHOOK_SECRET) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  // Refuse old deliveries: a replayed request keeps its old timestamp.
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = 'v1,' + createHmac('sha256', key).update(\`\${id}.\${timestamp}.\${rawBody}\`).digest('base64');
  return String(headers['webhook-signature'] ?? '')
    .split(' ')
    .some((signature) => signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected)));
}`;

/** A new webhook's signing secret: the server only shows it in the reply that created the channel. */
export function SigningSecret({ secret, onDone }: { secret: string; onDone: () => void }) {
  const ref = useRef<HTMLElement>(null);
  return (
    <div className="stack">
      <div className="callout callout-warning secret-callout" role="status">
        <div className="callout-title">
          <AlertIcon />
          Copy the signing secret now. It won’t be shown again.
        </div>
        <div className="secret-row">
          <code ref={ref} className="secret-value" data-testid="signing-secret">
            {secret}
          </code>
          <CopyButton text={secret} label="Copy signing secret" selectRef={ref} />
        </div>
        <div className="text-muted">
          Every delivery carries <code>webhook-id</code>, <code>webhook-timestamp</code> and <code>webhook-signature</code> headers (the Standard Webhooks format):
          verify them with any Standard Webhooks library, or like this:
        </div>
      </div>
      <CodeBlock title="verify.js" code={VERIFY_SNIPPET} copyLabel="Copy verification code" />
      <div className="dialog-footer">
        <Button variant="primary" onClick={onDone}>
          I’ve copied it
        </Button>
      </div>
    </div>
  );
}
