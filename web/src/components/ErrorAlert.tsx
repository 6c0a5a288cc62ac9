import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client.ts';

/** The sentence for an error code in the reader's language (falls back to the server's own words). */
export function useErrorMessage() {
  const { t } = useTranslation();
  return (error: unknown): string => {
    if (isApiError(error)) {
      const retry = Number(error.details.retryAfterSeconds);
      return t(`errors.${error.code}`, { defaultValue: error.message, minutes: Number.isFinite(retry) ? Math.max(1, Math.ceil(retry / 60)) : 15 });
    }
    return t('errors.UNKNOWN');
  };
}

export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  const message = useErrorMessage();
  const { t } = useTranslation();
  if (!error) return null;
  const fields = isApiError(error) ? Object.entries(error.fields) : [];
  return (
    <div className="alert alert-danger" role="alert">
      <span className="alert-icon" aria-hidden="true">
        !
      </span>
      <div className="alert-body">
        <p className="alert-title">{title ?? t('common.problem')}</p>
        <p className="alert-text">{message(error)}</p>
        {fields.length > 0 && (
          <ul className="alert-list">
            {fields.map(([field, text]) => (
              <li key={field}>
                <strong>{t(`fields.${field}`, { defaultValue: field })}</strong>: {text}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
