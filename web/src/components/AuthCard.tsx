import type { ReactNode } from 'react';
import { PageHeader } from './PageHeader.tsx';

/** The frame of the sign-in family of pages: a narrow column, a heading, one card, a link below it. */
export function AuthCard({ title, lead, below, children }: { title: string; lead?: ReactNode; below?: ReactNode; children: ReactNode }) {
  return (
    <div className="narrow">
      <PageHeader title={title} lead={lead} />
      <div className="card">
        <div className="card-body">{children}</div>
      </div>
      {below && <p className="below-card">{below}</p>}
    </div>
  );
}
