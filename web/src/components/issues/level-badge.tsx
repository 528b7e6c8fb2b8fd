import { LEVEL_LABELS, levelClass } from '../../lib/issues';

/** The level as a coloured dot with its name ("Error"), for headers and event details. */
export function LevelBadge({ level }: { level: string }) {
  return (
    <span className={`level-badge ${levelClass(level)}`}>
      <span className="level-dot" aria-hidden="true" />
      {LEVEL_LABELS[level] ?? level}
    </span>
  );
}
