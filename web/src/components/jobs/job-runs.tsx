import type { JobRun } from '../../api';
import { formatDuration } from '../../lib/format';
import { RelativeTime } from '../relative-time';
import { RunStatus } from './run-status';

function resultText(result: unknown): string {
  if (result === null || result === undefined) return '';
  return typeof result === 'string' ? result : JSON.stringify(result);
}

export function JobRunsTable({ runs }: { runs: JobRun[] }) {
  return (
    <div className="table-wrap">
      <table className="table table-dense">
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Status</th>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
            <th scope="col">Node</th>
            <th scope="col">Outcome</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <td className="mono">{run.jobName}</td>
              <td>
                <RunStatus status={run.status} />
              </td>
              <td className="nowrap">
                <RelativeTime ms={run.startedAt} />
              </td>
              <td className="nowrap">{run.durationMs !== null ? formatDuration(run.durationMs) : '—'}</td>
              <td className="mono text-muted">{run.node}</td>
              <td className={run.error ? 'run-error' : 'mono text-muted details-cell'} title={run.error ?? resultText(run.result)}>
                {run.error ?? (resultText(run.result) || '—')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
