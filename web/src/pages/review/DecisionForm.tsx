import { ENDONYMS, LOCALES, negotiateLocale } from '../../../../src/domain/locales.ts';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from '@tanstack/react-query';
import { call, type RequestBody } from '../../api/typed.ts';
import type { Application } from '../../api/types.ts';
import { Button } from '../../components/Button.tsx';
import { RadioGroup, SelectField, TextAreaField } from '../../components/Field.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Alert } from '../../components/Alert.tsx';
import { MESSAGE_MAX, check, decisionSchema, type FieldErrors } from '../../lib/schemas.ts';

const DECISION_REASONS = ['ID_UNREADABLE', 'ID_MISMATCH', 'BLOCKERS_PRESENT', 'SUSPECTED_FRAUD', 'DOCUMENTS_INCOMPLETE', 'OTHER'];

type DecisionBody = RequestBody<'/api/review/applications/{id}/decision', 'post'>;

interface DecisionFormProps {
  applicationId: string;
  version: number;
  blockers: number;
  onDecided: (application: Application) => void;
}

/** Approve, reject or ask for information, with a reason code and guidance the buyer can act on. */
export function DecisionForm({ applicationId, version, blockers, onDecided }: DecisionFormProps) {
  const { t, i18n } = useTranslation();
  const [outcome, setOutcome] = useState('');
  const [reasonCode, setReasonCode] = useState('');
  const [locale, setLocale] = useState<string>(negotiateLocale(i18n.resolvedLanguage));
  const [message, setMessage] = useState('');
  const [edited, setEdited] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const templates = useQuery({ queryKey: ['review', 'guidance'], queryFn: () => call('get', '/api/review/guidance-templates'), staleTime: 300_000 });

  const effectiveCode = outcome === 'approve' ? 'APPROVED' : reasonCode;
  // Picking a reason (or language) fills in its guidance, unless the reviewer already wrote their own.
  useEffect(() => {
    if (edited || !effectiveCode) return;
    const template = templates.data?.items.find((x) => x.reasonCode === effectiveCode && x.locale === locale);
    if (template) setMessage(template.body);
  }, [effectiveCode, locale, templates.data, edited]);

  const decide = useMutation({
    mutationFn: (body: DecisionBody) =>
      call('post', '/api/review/applications/{id}/decision', { path: { id: applicationId }, body }),
    onSuccess: onDecided,
  });

  const submit = () => {
    const result = check(decisionSchema, { outcome, reasonCode: effectiveCode, message });
    if (!result.ok) return setErrors(result.errors);
    setErrors({});
    decide.mutate({ outcome: outcome as DecisionBody['outcome'], ...(outcome === 'approve' ? {} : { reasonCode }), message: result.data.message, version });
  };

  const useTemplate = () => {
    setEdited(false);
    const template = templates.data?.items.find((x) => x.reasonCode === effectiveCode && x.locale === locale);
    if (template) setMessage(template.body);
  };

  return (
    <div className="form" data-testid="decision-form">
      {decide.error && <ErrorAlert error={decide.error} />}
      <RadioGroup
        legend={t('review.decision.outcome')}
        name="outcome"
        value={outcome}
        onChange={(v) => (setOutcome(v), setEdited(false))}
        options={['approve', 'request_info', 'reject'].map((o) => ({ value: o, label: t(`review.decision.${o}`), hint: t(`review.decision.${o}Hint`) }))}
        error={errors.outcome}
      />
      {outcome === 'approve' && blockers > 0 && (
        <Alert tone="warning" title={t('review.decision.blockersTitle')}>
          {t('review.decision.blockersText', { count: blockers })}
        </Alert>
      )}
      {outcome && outcome !== 'approve' && (
        <SelectField
          label={t('review.decision.reason')}
          value={reasonCode}
          onChange={(e) => (setReasonCode(e.target.value), setEdited(false))}
          options={[{ value: '', label: t('review.decision.chooseReason') }, ...DECISION_REASONS.map((c) => ({ value: c, label: t(`decisionReasons.${c}`) }))]}
          error={errors.reasonCode}
        />
      )}
      {outcome && (
        <>
          <SelectField
            label={t('review.decision.templateLanguage')}
            hint={t('review.decision.templateLanguageHint')}
            value={locale}
            onChange={(e) => (setLocale(e.target.value), setEdited(false))}
            options={LOCALES.map((l) => ({ value: l, label: ENDONYMS[l] }))}
          />
          <TextAreaField
            label={t('review.decision.message')}
            hint={t('review.decision.messageHint')}
            value={message}
            onChange={(e) => (setMessage(e.target.value), setEdited(true))}
            maxLength={MESSAGE_MAX}
            rows={6}
            error={errors.message}
            data-testid="decision-message-input"
          />
          {edited && (
            <Button variant="link" onClick={useTemplate}>
              {t('review.decision.useTemplate')}
            </Button>
          )}
        </>
      )}
      <div className="form-actions">
        <Button variant={outcome === 'approve' ? 'primary' : outcome === 'reject' ? 'danger' : 'primary'} busy={decide.isPending} onClick={submit} disabled={!outcome} data-testid="decide">
          {outcome ? t(`review.decision.submit_${outcome}`) : t('review.decision.submit')}
        </Button>
      </div>
    </div>
  );
}
