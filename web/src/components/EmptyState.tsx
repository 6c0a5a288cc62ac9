import type { ReactNode } from 'react';

export function EmptyState({ title, children, icon = '○' }: { title: ReactNode; children?: ReactNode; icon?: string }) {
  return (
    <div className="empty">
      <span className="empty-icon" aria-hidden="true">
        {icon}
      </span>
      <p className="empty-title">{title}</p>
      {children && <div className="empty-text">{children}</div>}
    </div>
  );
}
