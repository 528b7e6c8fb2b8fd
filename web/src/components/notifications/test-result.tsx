import type { Delivery } from '../../api';
import { formatMs } from '../../lib/format';
import { Button } from '../button';
import { XIcon } from '../icons';

/** What a "Send test" did: delivered (with the answer) or why it failed. */
export function TestResult({ channelName, delivery, error, onClose }: { channelName: string; delivery: Delivery | null; error: string | null; onClose: () => void }) {
  const attempt = delivery?.attempts.at(-1);
  const ok = delivery?.status === 'delivered';
  return (
    <div className={`callout ${ok ? 'callout-success' : 'callout-danger'} test-result`} role="status" data-testid="test-result">
      <div className="test-result-body">
        <div className="callout-title">{ok ? `Test delivered to ${channelName}` : `The test to ${channelName} failed`}</div>
        {attempt && (
          <div className="text-muted">
            {attempt.statusCode !== null && `HTTP ${attempt.statusCode} · `}
            {formatMs(attempt.durationMs)}
            {attempt.response && <span className="mono"> · {attempt.response}</span>}
          </div>
        )}
        {(error ?? attempt?.error) && <div className="mono test-result-error">{error ?? attempt?.error}</div>}
      </div>
      <Button size="sm" variant="ghost" onClick={onClose} aria-label="Dismiss">
        <XIcon size={14} />
      </Button>
    </div>
  );
}
