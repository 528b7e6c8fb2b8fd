import { readStored, writeStored } from './storage';

export type ThemeChoice = 'light' | 'dark' | 'system';

// Shared with public/theme-init.js, which applies the theme before first paint.
const KEY = 'wp-theme';
const media = () => window.matchMedia('(prefers-color-scheme: dark)');

export function storedTheme(): ThemeChoice {
  const value = readStored(KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}

export function applyTheme(choice: ThemeChoice): void {
  const dark = choice === 'dark' || (choice === 'system' && media().matches);
  document.documentElement.dataset['theme'] = dark ? 'dark' : 'light';
}

export function saveTheme(choice: ThemeChoice): void {
  writeStored(KEY, choice === 'system' ? null : choice);
  applyTheme(choice);
}

/** Re-applies "system" when the OS switches between light and dark. */
export function watchSystemTheme(getChoice: () => ThemeChoice): () => void {
  const query = media();
  const listener = () => {
    if (getChoice() === 'system') applyTheme('system');
  };
  query.addEventListener('change', listener);
  return () => query.removeEventListener('change', listener);
}
