import { useRef } from 'react';
import { Button } from '../button';
import { CodeBlock } from '../code-block';
import { CopyButton } from '../copy-button';
import { AlertIcon } from '../icons';

/** The secret of a token just created: the server keeps only a hash, so this is the one chance to copy it. */
export function NewTokenCallout({ secret, onDone }: { secret: string; onDone: () => void }) {
  const ref = useRef<HTMLElement>(null);
  return (
    <div className="callout callout-warning secret-callout" role="status">
      <div className="callout-title">
        <AlertIcon />
        Copy your new token now. You won’t be able to see it again.
      </div>
      <div className="secret-row">
        <code ref={ref} className="secret-value" data-testid="new-token">
          {secret}
        </code>
        <CopyButton text={secret} label="Copy token" selectRef={ref} />
      </div>
      <div className="text-muted">Try it:</div>
      <CodeBlock title="Terminal" code={`curl -H "Authorization: Bearer ${secret}" ${window.location.origin}/api/auth/me`} copyLabel="Copy curl example" />
      <div>
        <Button size="sm" onClick={onDone}>
          I’ve copied it
        </Button>
      </div>
    </div>
  );
}
