import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';

/** Shows a translation key (client validation) or a sentence from the server as it is. */
export function useErrorText() {
  const { t } = useTranslation();
  return (error: string | undefined) => (error ? (error.startsWith('validation.') ? t(error) : error) : undefined);
}

interface FieldShellProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  required?: boolean;
  children: ReactNode;
}

function FieldShell({ id, label, hint, error, required, children }: FieldShellProps) {
  const { t } = useTranslation();
  const errorText = useErrorText()(error);
  return (
    <div className={`field${errorText ? ' field-invalid' : ''}`}>
      <label htmlFor={id} className="field-label">
        {label}
        {required === false && <span className="field-optional"> {t('common.optional')}</span>}
      </label>
      {hint && (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      )}
      {children}
      {errorText && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {errorText}
        </p>
      )}
    </div>
  );
}

const describedBy = (id: string, hint: unknown, error: unknown) =>
  [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  /** false shows "(optional)"; true/undefined shows nothing extra. */
  requiredMark?: boolean;
}

/** Addresses, numbers, codes and passwords are typed left to right, also on a right-to-left page. */
const LTR_TYPES = new Set(['email', 'tel', 'password', 'url']);
const LTR_AUTOCOMPLETE = new Set(['username', 'email', 'tel', 'one-time-code', 'current-password', 'new-password']);

export function TextField({ label, hint, error, requiredMark, ...input }: TextFieldProps) {
  const id = useId();
  const ltr = LTR_TYPES.has(String(input.type)) || LTR_AUTOCOMPLETE.has(String(input.autoComplete));
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} required={requiredMark}>
      <input id={id} dir={ltr ? 'ltr' : undefined} className="input" aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...input} />
    </FieldShell>
  );
}

interface TextAreaFieldProps extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id'> {
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  requiredMark?: boolean;
}

export function TextAreaField({ label, hint, error, requiredMark, ...input }: TextAreaFieldProps) {
  const id = useId();
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} required={requiredMark}>
      <textarea id={id} className="input textarea" aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...input} />
    </FieldShell>
  );
}

interface SelectFieldProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> {
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  options: Array<{ value: string; label: string }>;
}

export function SelectField({ label, hint, error, options, ...select }: SelectFieldProps) {
  const id = useId();
  return (
    <FieldShell id={id} label={label} hint={hint} error={error}>
      <select id={id} className="input select" aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...select}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

interface CheckboxProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'type'> {
  label: ReactNode;
  error?: string;
}

export function Checkbox({ label, error, ...input }: CheckboxProps) {
  const id = useId();
  const errorText = useErrorText()(error);
  return (
    <div className={`check${errorText ? ' field-invalid' : ''}`}>
      <input id={id} type="checkbox" aria-invalid={errorText ? true : undefined} aria-describedby={errorText ? `${id}-error` : undefined} {...input} />
      <label htmlFor={id}>{label}</label>
      {errorText && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {errorText}
        </p>
      )}
    </div>
  );
}

interface RadioGroupProps {
  legend: ReactNode;
  name: string;
  value: string;
  onChange: (value: string) => void;
  options: Array<{ value: string; label: ReactNode; hint?: ReactNode }>;
  error?: string;
}

/** Native radios in a fieldset: arrow keys move between options, the legend names the group. */
export function RadioGroup({ legend, name, value, onChange, options, error }: RadioGroupProps) {
  const id = useId();
  const errorText = useErrorText()(error);
  return (
    <fieldset className={`fieldset${errorText ? ' field-invalid' : ''}`} aria-describedby={errorText ? `${id}-error` : undefined}>
      <legend className="field-label">{legend}</legend>
      <div className="radio-list">
        {options.map((o) => (
          <label key={o.value} className={`radio-option${value === o.value ? ' radio-option-checked' : ''}`}>
            <input type="radio" name={name} value={o.value} checked={value === o.value} onChange={() => onChange(o.value)} />
            <span>
              <span className="radio-label">{o.label}</span>
              {o.hint && <span className="radio-hint">{o.hint}</span>}
            </span>
          </label>
        ))}
      </div>
      {errorText && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {errorText}
        </p>
      )}
    </fieldset>
  );
}
