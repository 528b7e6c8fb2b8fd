import { MONITOR_TYPES, type MonitorType } from '../../api';
import { TYPE_DESCRIPTIONS, TYPE_LABELS } from '../../lib/monitors';

/** One card per monitor type, as radio buttons. */
export function TypePicker({ value, onChange }: { value: MonitorType; onChange: (type: MonitorType) => void }) {
  return (
    <div className="type-picker" role="radiogroup" aria-label="Monitor type">
      {MONITOR_TYPES.map((type) => (
        <label key={type} className="type-card" data-checked={value === type || undefined}>
          <input type="radio" name="monitor-type" className="visually-hidden" value={type} checked={value === type} onChange={() => onChange(type)} />
          <span className="type-card-label">{TYPE_LABELS[type]}</span>
          <span className="type-card-text">{TYPE_DESCRIPTIONS[type]}</span>
        </label>
      ))}
    </div>
  );
}
