import { useEffect, useState, type ReactNode } from 'react';
import { saveTheme, storedTheme, type ThemeChoice } from '../lib/theme';
import { MonitorIcon, MoonIcon, SunIcon } from './icons';

const OPTIONS: { value: ThemeChoice; label: string; icon: ReactNode }[] = [
  { value: 'light', label: 'Light theme', icon: <SunIcon size={14} /> },
  { value: 'dark', label: 'Dark theme', icon: <MoonIcon size={14} /> },
  { value: 'system', label: 'System theme', icon: <MonitorIcon size={14} /> },
];

/** Light / dark / follow the system; remembered in localStorage. */
export function ThemeToggle() {
  const [choice, setChoice] = useState<ThemeChoice>(storedTheme);

  // Another tab may change the theme; keep this one in step.
  useEffect(() => {
    const onStorage = () => {
      const next = storedTheme();
      setChoice(next);
      saveTheme(next);
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  return (
    <div className="segmented" role="radiogroup" aria-label="Theme">
      {OPTIONS.map((option) => (
        <button
          key={option.value}
          type="button"
          role="radio"
          aria-checked={choice === option.value}
          aria-label={option.label}
          title={option.label}
          className="segmented-item"
          onClick={() => {
            setChoice(option.value);
            saveTheme(option.value);
          }}
        >
          {option.icon}
        </button>
      ))}
    </div>
  );
}
