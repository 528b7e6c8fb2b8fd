import { timeZones } from '../lib/time-zones';

interface Props {
  id: string;
  value: string;
  onChange: (zone: string) => void;
  describedBy?: string;
}

/** A select of IANA time zones, UTC first. */
export function TimeZoneSelect({ id, value, onChange, describedBy }: Props) {
  const zones = timeZones();
  return (
    <select id={id} className="input" value={value} aria-describedby={describedBy} onChange={(e) => onChange(e.target.value)}>
      {!zones.includes(value) && <option value={value}>{value}</option>}
      {zones.map((zone) => (
        <option key={zone} value={zone}>
          {zone}
        </option>
      ))}
    </select>
  );
}
