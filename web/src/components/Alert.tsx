import type { ReactNode } from 'react';

type Tone = 'info' | 'success' | 'warning' | 'danger';

interface AlertProps {
  tone?: Tone;
  title?: ReactNode;
  children?: ReactNode;
  /** Announce to screen readers at once (errors) or politely (status). */
  live?: 'assertive' | 'polite';
  className?: string;
}

const ICONS: Record<Tone, string> = { info: 'i', success: '✓', warning: '!', danger: '!' };

export function Alert({ tone = 'info', title, children, live, className }: AlertProps) {
  const role = live === 'assertive' ? 'alert' : live === 'polite' ? 'status' : undefined;
  return (
    <div className={`alert alert-${tone} ${className ?? ''}`} role={role}>
      <span className="alert-icon" aria-hidden="true">
        {ICONS[tone]}
      </span>
      <div className="alert-body">
        {title && <p className="alert-title">{title}</p>}
        {children && <div className="alert-text">{children}</div>}
      </div>
    </div>
  );
}
