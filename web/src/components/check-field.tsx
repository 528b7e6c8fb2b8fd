import type { ReactNode } from 'react';

/** A labelled checkbox with an optional hint under it. */
export function CheckField({ label, checked, onChange, hint }: { label: string; checked: boolean; onChange: (checked: boolean) => void; hint?: ReactNode }) {
  return (
    <div className="stack-xs">
      <label className="check-row">
        <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
        {label}
      </label>
      {hint && <div className="field-hint check-hint">{hint}</div>}
    </div>
  );
}
