interface Props<T extends string> {
  value: T;
  options: { value: T; label: string; title?: string }[];
  onChange: (value: T) => void;
  /** What is being picked, for screen readers: "Period". */
  label: string;
}

/** A row of toggle buttons for a short list of choices (1h · 24h · 7d · 30d). */
export function PeriodPicker<T extends string>({ value, options, onChange, label }: Props<T>) {
  return (
    <div className="filter-tabs filter-tabs-compact" role="group" aria-label={label}>
      {options.map((option) => (
        <button key={option.value} type="button" className="filter-tab" aria-pressed={option.value === value} title={option.title} onClick={() => onChange(option.value)}>
          {option.label}
        </button>
      ))}
    </div>
  );
}
