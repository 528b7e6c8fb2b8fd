import type { JobRunStatus } from '../../api';
import { Badge, type Tone } from '../badge';

const TONES: Record<JobRunStatus, Tone> = { ok: 'green', error: 'red', running: 'blue', abandoned: 'amber' };
const LABELS: Record<JobRunStatus, string> = { ok: 'OK', error: 'Error', running: 'Running', abandoned: 'Abandoned' };

export function RunStatus({ status }: { status: JobRunStatus }) {
  return (
    <Badge tone={TONES[status]} dot title={status === 'abandoned' ? 'The node running it stopped before it finished' : undefined}>
      {LABELS[status]}
    </Badge>
  );
}
