import { useId, type ReactNode } from 'react';

interface Props {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  tone?: 'default' | 'danger';
  /** Tables reach the card's edges; forms get padding. */
  flush?: boolean;
}

/** A titled card: the building block of settings pages. */
export function Section({ title, description, actions, children, tone = 'default', flush = false }: Props) {
  const id = useId();
  return (
    <section className={`card section ${tone === 'danger' ? 'card-danger' : ''}`} aria-labelledby={id}>
      <div className="section-header">
        <div>
          <h2 id={id} className="section-title">
            {title}
          </h2>
          {description && <p className="section-description">{description}</p>}
        </div>
        {actions && <div className="section-actions">{actions}</div>}
      </div>
      <div className={flush ? 'section-body-flush' : 'section-body'}>{children}</div>
    </section>
  );
}
