import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { Link, type LinkProps } from 'react-router';
import { useTranslation } from 'react-i18next';

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost' | 'link';

interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  busy?: boolean;
  size?: 'md' | 'sm';
  children: ReactNode;
}

/** A button; while `busy` it stays focusable, announces progress and ignores clicks. */
export function Button({ variant = 'primary', busy = false, size = 'md', className, children, type = 'button', disabled, onClick, ...rest }: ButtonProps) {
  const { t } = useTranslation();
  return (
    <button
      type={type}
      className={['btn', `btn-${variant}`, size === 'sm' ? 'btn-sm' : '', className ?? ''].join(' ').trim()}
      aria-disabled={disabled || busy || undefined}
      disabled={disabled}
      aria-busy={busy || undefined}
      onClick={busy ? (e) => e.preventDefault() : onClick}
      {...rest}
    >
      {busy && <span className="spinner spinner-inline" aria-hidden="true" />}
      <span>{children}</span>
      {busy && <span className="visually-hidden">{t('common.working')}</span>}
    </button>
  );
}

interface ButtonLinkProps extends LinkProps {
  variant?: Variant;
  size?: 'md' | 'sm';
}

/** A link that looks like a button (navigation, not action). */
export function ButtonLink({ variant = 'secondary', size = 'md', className, ...rest }: ButtonLinkProps) {
  return <Link className={['btn', `btn-${variant}`, size === 'sm' ? 'btn-sm' : '', className ?? ''].join(' ').trim()} {...rest} />;
}
