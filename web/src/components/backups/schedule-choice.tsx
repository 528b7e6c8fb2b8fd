import type { CronPreset } from '../../lib/backups';
import { Field } from '../field';
import { PeriodPicker } from '../period-picker';

interface Props {
  label: string;
  /** The cron input's label: "Backup cron expression". */
  cronLabel: string;
  presets: CronPreset[];
  /** The label of "no schedule": "Manual only", "Never". */
  noneLabel: string;
  /** A preset's cron expression, 'custom' or 'none'. */
  choice: string;
  custom: string;
  onChoice: (choice: string) => void;
  onCustom: (cron: string) => void;
}

/** Presets for the usual schedules, a typed cron expression for the rest. */
export function ScheduleChoice({ label, cronLabel, presets, noneLabel, choice, custom, onChoice, onCustom }: Props) {
  const preset = presets.find((p) => p.cron === choice);
  return (
    <div className="stack-xs backup-schedule">
      <div className="field-label" aria-hidden="true">
        {label}
      </div>
      <PeriodPicker
        label={label}
        value={choice}
        onChange={onChoice}
        options={[...presets.map((p) => ({ value: p.cron, label: p.label, title: p.cron })), { value: 'custom', label: 'Custom' }, { value: 'none', label: noneLabel }]}
      />
      {choice !== 'none' && (
        <Field label={cronLabel} hint={preset ? undefined : 'Minute, hour, day of month, month, day of week: 30 2 * * 1-5 is 02:30 on weekdays.'}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              className="input mono backup-cron"
              value={preset ? preset.cron : custom}
              readOnly={preset !== undefined}
              required
              maxLength={200}
              spellCheck={false}
              onChange={(e) => onCustom(e.target.value)}
            />
          )}
        </Field>
      )}
    </div>
  );
}
