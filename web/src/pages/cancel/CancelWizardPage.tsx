import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { isApiError } from '../../api/client.ts';
import { call, type RequestBody } from '../../api/typed.ts';
import { isOpen, keys, useAccount, useEligibility, useMyApplication } from '../../api/queries.ts';
import { useSession } from '../../api/session.ts';
import { useServiceNow } from '../../api/dev.ts';
import type { UploadedDocument } from '../../api/types.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Stepper } from '../../components/Stepper.tsx';
import { Card } from '../../components/Card.tsx';
import { Button } from '../../components/Button.tsx';
import { Checkbox, RadioGroup, TextAreaField, TextField } from '../../components/Field.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Alert } from '../../components/Alert.tsx';
import { ReauthForm } from '../../components/ReauthForm.tsx';
import { StepUpAlert } from '../../components/StepUpAlert.tsx';
import { useFormat } from '../../lib/format.ts';
import { REASON_CODES, REASON_TEXT_MAX, check, reasonSchema, type FieldErrors } from '../../lib/schemas.ts';
import { BlockerList } from './BlockerList.tsx';
import { DocumentUploader } from './DocumentUploader.tsx';
import { clearDraft, loadDraft, saveDraft, type WizardDraft } from './wizardDraft.ts';

const STEPS = ['consequences', 'checklist', 'reason', 'identity', 'confirm'] as const;

export default function CancelWizardPage() {
  const { t } = useTranslation();
  const application = useMyApplication();
  const [draft, setDraft] = useState<WizardDraft>(loadDraft);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const update = (patch: Partial<WizardDraft>) =>
    setDraft((d) => {
      const next = { ...d, ...patch };
      saveDraft(next);
      return next;
    });
  const go = (step: number) => {
    update({ step });
    window.scrollTo({ top: 0 });
  };
  // Each step's heading takes focus, so screen-reader users hear where they are.
  useEffect(() => headingRef.current?.focus(), [draft.step]);

  if (application.isPending) return <Loading />;
  if (isOpen(application.data)) return <Navigate to="/account/cancel/status" replace />;

  const stepLabels = STEPS.map((s) => t(`wizard.steps.${s}`));
  return (
    <div className="medium">
      <PageHeader title={t('wizard.title')} lead={t('wizard.lead')} back={<Link to="/account"><span className="dir-arrow" aria-hidden="true">←</span> {t('nav.account')}</Link>} />
      <Stepper steps={stepLabels} current={draft.step} />
      <h2 className="step-heading" tabIndex={-1} ref={headingRef}>
        {t('wizard.stepOf', { n: draft.step + 1, total: STEPS.length })} {stepLabels[draft.step]}
      </h2>
      {draft.step === 0 && <ConsequencesStep draft={draft} update={update} next={() => go(1)} />}
      {draft.step === 1 && <ChecklistStep back={() => go(0)} next={() => go(2)} />}
      {draft.step === 2 && <ReasonStep draft={draft} update={update} back={() => go(1)} next={() => go(3)} />}
      {draft.step === 3 && <IdentityStep draft={draft} update={update} back={() => go(2)} next={() => go(4)} />}
      {draft.step === 4 && <ConfirmStep draft={draft} back={(step = 3) => go(step)} />}
      <p className="muted small wizard-leave">
        {t('wizard.leaveHint')}{' '}
        <Link to="/account" onClick={() => clearDraft()}>
          {t('wizard.leave')}
        </Link>
      </p>
    </div>
  );
}

interface StepProps {
  draft: WizardDraft;
  update: (patch: Partial<WizardDraft>) => void;
  back: () => void;
  next: () => void;
}

function ConsequencesStep({ draft, update, next }: Omit<StepProps, 'back'>) {
  const { t } = useTranslation();
  const eligibility = useEligibility();
  const [error, setError] = useState<string>();
  const proceed = () => {
    if (!draft.understood) return setError('validation.acknowledge');
    next();
  };
  const consequences = eligibility.data?.consequences?.length ? eligibility.data.consequences : (t('wizard.consequences.fallback', { returnObjects: true }) as string[]);
  return (
    <Card>
      <p>{t('wizard.consequences.intro')}</p>
      {eligibility.isPending ? (
        <Loading />
      ) : (
        <ul className="consequences" data-testid="consequences" data-server-text>
          {consequences.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
      )}
      <Alert tone="info">{t('wizard.consequences.reassure')}</Alert>
      <Checkbox
        label={t('wizard.consequences.understood')}
        checked={draft.understood}
        onChange={(e) => (update({ understood: e.target.checked }), setError(undefined))}
        error={error}
      />
      <div className="wizard-nav">
        <Link to="/account" className="btn btn-secondary">
          {t('wizard.keepAccount')}
        </Link>
        <Button onClick={proceed}>{t('common.continue')}</Button>
      </div>
    </Card>
  );
}

function ChecklistStep({ back, next }: { back: () => void; next: () => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const eligibility = useEligibility();
  const [checkedAt, setCheckedAt] = useState<number | null>(null);
  useEffect(() => {
    if (eligibility.dataUpdatedAt) setCheckedAt(eligibility.dataUpdatedAt);
  }, [eligibility.dataUpdatedAt]);
  const data = eligibility.data;
  return (
    <Card>
      <div className="row-between">
        <p>{data?.eligible ? t('wizard.checklist.eligible') : t('wizard.checklist.intro')}</p>
        <Button variant="secondary" size="sm" busy={eligibility.isFetching} onClick={() => eligibility.refetch()}>
          {t('wizard.checklist.recheck')}
        </Button>
      </div>
      <p className="muted small" aria-live="polite">
        {checkedAt ? t('wizard.checklist.checkedAt', { time: fmt.dateTime(new Date(checkedAt)) }) : ''}
      </p>
      {eligibility.isPending && <Loading label={t('wizard.checklist.checking')} />}
      {eligibility.error && <ErrorAlert error={eligibility.error} />}
      {data && (
        <div data-testid="checklist" data-eligible={String(data.eligible)}>
          <BlockerList blockers={data.blockers} warnings={data.warnings} />
        </div>
      )}
      {data && !data.eligible && (
        <Alert tone="warning" title={t('wizard.checklist.blockedTitle')}>
          {t('wizard.checklist.blockedText')}
        </Alert>
      )}
      <div className="wizard-nav">
        <Button variant="secondary" onClick={back}>
          {t('common.back')}
        </Button>
        <Button onClick={next} disabled={!data?.eligible}>
          {t('common.continue')}
        </Button>
      </div>
    </Card>
  );
}

function ReasonStep({ draft, update, back, next }: StepProps) {
  const { t } = useTranslation();
  const [errors, setErrors] = useState<FieldErrors>({});
  const proceed = () => {
    const result = check(reasonSchema, { reasonCode: draft.reasonCode, reasonText: draft.reasonText });
    if (!result.ok) return setErrors(result.errors);
    setErrors({});
    next();
  };
  return (
    <Card>
      <p>{t('wizard.reason.intro')}</p>
      <div className="form">
        <RadioGroup
          legend={t('wizard.reason.legend')}
          name="reasonCode"
          value={draft.reasonCode}
          onChange={(reasonCode) => update({ reasonCode })}
          options={REASON_CODES.map((code) => ({ value: code, label: t(`reasons.${code}`) }))}
          error={errors.reasonCode}
        />
        <TextAreaField
          label={t('wizard.reason.text')}
          hint={t('wizard.reason.textHint', { max: REASON_TEXT_MAX })}
          value={draft.reasonText}
          onChange={(e) => update({ reasonText: e.target.value })}
          maxLength={REASON_TEXT_MAX}
          error={errors.reasonText}
          requiredMark={draft.reasonCode === 'OTHER' ? undefined : false}
        />
      </div>
      <div className="wizard-nav">
        <Button variant="secondary" onClick={back}>
          {t('common.back')}
        </Button>
        <Button onClick={proceed}>{t('common.continue')}</Button>
      </div>
    </Card>
  );
}

/** Pending (not yet submitted) uploads of this buyer, so a reload does not lose them. */
function usePendingDocuments() {
  return useQuery({
    queryKey: ['cancellation', 'documents'],
    queryFn: async () => {
      try {
        const answer = await call('get', '/api/cancellation/documents');
        return answer.items.filter((d) => !d.applicationId);
      } catch {
        return null;
      }
    },
    staleTime: Infinity,
  });
}

function IdentityStep({ update, back, next }: StepProps) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const session = useSession();
  const account = useAccount();
  const pending = usePendingDocuments();
  const [documents, setDocuments] = useState<UploadedDocument[] | null>(null);
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (documents === null && pending.isSuccess) setDocuments(pending.data ?? []);
  }, [documents, pending.isSuccess, pending.data]);
  const now = useServiceNow();
  const until = session.data?.reauthenticatedUntil;
  const confirmed = !!until && new Date(until).getTime() > now;
  const docs = documents ?? [];
  const change = (list: UploadedDocument[]) => {
    setDocuments(list);
    setError(undefined);
    update({ documentIds: list.map((d) => d.documentId) });
  };
  const proceed = () => {
    if (docs.length === 0) return setError('validation.documents');
    update({ documentIds: docs.map((d) => d.documentId) });
    next();
  };
  return (
    <>
      <Card title={t('wizard.identity.reauthTitle')} level={3} id="reauth">
        {confirmed ? (
          <Alert tone="success" live="polite">
            {t('wizard.identity.reauthDone', { time: fmt.dateTime(until) })}
          </Alert>
        ) : (
          <>
            <p>{t('wizard.identity.reauthText')}</p>
            {account.data && <ReauthForm totpEnabled={account.data.totpEnabled} onDone={() => undefined} />}
          </>
        )}
      </Card>
      <Card title={t('wizard.identity.docsTitle')} level={3} id="documents">
        <p>{t('wizard.identity.docsText')}</p>
        <Alert tone="info" title={t('wizard.identity.maskTitle')}>
          {t('wizard.identity.maskText')}
        </Alert>
        {!confirmed ? (
          <p className="muted">{t('wizard.identity.reauthFirst')}</p>
        ) : documents === null ? (
          <Loading />
        ) : (
          <DocumentUploader documents={docs} onChange={change} />
        )}
        {error && (
          <p className="field-error" role="alert">
            {t(error)}
          </p>
        )}
      </Card>
      <div className="wizard-nav">
        <Button variant="secondary" onClick={back}>
          {t('common.back')}
        </Button>
        <Button onClick={proceed} disabled={!confirmed}>
          {t('common.continue')}
        </Button>
      </div>
    </>
  );
}

function ConfirmStep({ draft, back }: { draft: WizardDraft; back: (step?: number) => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const word = t('wizard.confirm.word');
  const [typed, setTyped] = useState('');
  const [acknowledged, setAcknowledged] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [needsReauth, setNeedsReauth] = useState(false);

  const submit = useMutation({
    mutationFn: () =>
      call('post', '/api/cancellation', {
        headers: { 'idempotency-key': draft.idempotencyKey },
        body: { reasonCode: draft.reasonCode as RequestBody<'/api/cancellation', 'post'>['reasonCode'], ...(draft.reasonText.trim() ? { reasonText: draft.reasonText.trim() } : {}), documentIds: draft.documentIds, acknowledge: true },
      }),
    onSuccess: (application) => {
      clearDraft();
      client.setQueryData(keys.application, application);
      void client.invalidateQueries({ queryKey: ['cancellation'] });
      navigate('/account/cancel/status', { replace: true, state: { justSubmitted: true } });
    },
    onError: (error) => {
      if (isApiError(error) && error.code === 'REAUTH_REQUIRED') setNeedsReauth(true);
    },
  });

  const confirm = () => {
    const e: FieldErrors = {};
    if (typed.trim().toUpperCase() !== word.toUpperCase()) e.typed = 'validation.typedConfirm';
    if (!acknowledged) e.ack = 'validation.acknowledge';
    setErrors(e);
    if (Object.keys(e).length === 0) submit.mutate();
  };

  const blocked = isApiError(submit.error) && submit.error.code === 'CANCELLATION_BLOCKED';
  return (
    <Card>
      <p>{t('wizard.confirm.intro')}</p>
      <dl className="summary">
        <dt>{t('fields.reasonCode')}</dt>
        <dd>{t(`reasons.${draft.reasonCode}`, { defaultValue: draft.reasonCode })}</dd>
        <dt>{t('fields.reasonText')}</dt>
        <dd>{draft.reasonText.trim() || t('common.none')}</dd>
        <dt>{t('fields.documentIds')}</dt>
        <dd>{t('wizard.confirm.documents', { count: draft.documentIds.length })}</dd>
        <dt>{t('wizard.confirm.whatNext')}</dt>
        <dd>{t('wizard.confirm.whatNextText')}</dd>
      </dl>
      {submit.error && !needsReauth && <ErrorAlert error={submit.error} />}
      {blocked && (
        <Button variant="secondary" onClick={() => back(1)}>
          {t('wizard.confirm.backToChecklist')}
        </Button>
      )}
      {needsReauth && (
        <StepUpAlert
          onDone={() => {
            setNeedsReauth(false);
            submit.mutate();
          }}
        />
      )}
      <div className="form typed-confirm">
        <Checkbox label={t('wizard.confirm.acknowledge')} checked={acknowledged} onChange={(e) => setAcknowledged(e.target.checked)} error={errors.ack} />
        <TextField
          label={
            <>
              {t('wizard.confirm.typeLabel')} <code lang={undefined}>{word}</code>
            </>
          }
          hint={t('wizard.confirm.typeHint')}
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          error={errors.typed}
          autoComplete="off"
          spellCheck={false}
          data-testid="typed-confirmation"
        />
      </div>
      <div className="wizard-nav">
        <Button variant="secondary" onClick={() => back()}>
          {t('common.back')}
        </Button>
        <Button variant="danger" busy={submit.isPending} onClick={confirm}>
          {t('wizard.confirm.submit')}
        </Button>
      </div>
    </Card>
  );
}
