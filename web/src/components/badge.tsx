import type { ReactNode } from 'react';

export type Tone = 'neutral' | 'green' | 'red' | 'blue' | 'amber' | 'accent';

interface Props {
  tone?: Tone;
  children: ReactNode;
  title?: string;
  dot?: boolean;
}

export function Badge({ tone = 'neutral', children, title, dot }: Props) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {dot && <span className="badge-dot" aria-hidden="true" />}
      {children}
    </span>
  );
}
