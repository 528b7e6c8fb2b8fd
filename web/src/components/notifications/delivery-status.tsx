import { Badge, type Tone } from '../badge';

const STATUS: Record<string, { label: string; tone: Tone; title: string }> = {
  delivered: { label: 'Delivered', tone: 'green', title: 'The channel accepted it' },
  pending: { label: 'Pending', tone: 'blue', title: 'Waiting to be sent, or to be retried' },
  failed: { label: 'Failed', tone: 'red', title: 'Every attempt failed, or the failure was final (a 4xx answer)' },
};

export function DeliveryStatusBadge({ status }: { status: string }) {
  const shown = STATUS[status] ?? { label: status, tone: 'neutral', title: '' };
  return (
    <Badge tone={shown.tone} dot title={shown.title || undefined}>
      {shown.label}
    </Badge>
  );
}
