import type { ReactNode } from 'react';

interface CardProps {
  title?: ReactNode;
  /** Heading level for the title, so each page keeps a clean outline. */
  level?: 2 | 3;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  id?: string;
  tone?: 'default' | 'danger' | 'muted';
}

export function Card({ title, level = 2, actions, children, className, id, tone = 'default' }: CardProps) {
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <section className={`card card-${tone} ${className ?? ''}`} id={id} aria-labelledby={title && id ? `${id}-title` : undefined}>
      {(title || actions) && (
        <div className="card-head">
          {title && (
            <Heading className="card-title" id={id ? `${id}-title` : undefined}>
              {title}
            </Heading>
          )}
          {actions && <div className="card-actions">{actions}</div>}
        </div>
      )}
      <div className="card-body">{children}</div>
    </section>
  );
}
