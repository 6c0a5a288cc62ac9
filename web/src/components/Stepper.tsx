import { useTranslation } from 'react-i18next';

interface StepperProps {
  steps: string[];
  current: number;
}

/** Where you are in a multi-step flow: an ordered list, the current step marked for screen readers. */
export function Stepper({ steps, current }: StepperProps) {
  const { t } = useTranslation();
  return (
    <nav aria-label={t('wizard.progress')} className="stepper">
      <ol>
        {steps.map((label, index) => {
          const state = index < current ? 'done' : index === current ? 'current' : 'todo';
          return (
            <li key={label} className={`step step-${state}`} aria-current={state === 'current' ? 'step' : undefined}>
              <span className="step-dot" aria-hidden="true">
                {state === 'done' ? '✓' : index + 1}
              </span>
              <span className="step-label">
                {label}
                {state === 'done' && <span className="visually-hidden"> ({t('wizard.stepDone')})</span>}
              </span>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
