import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { isApiError } from '../../api/client.ts';
import { call } from '../../api/typed.ts';
import { isOpen, keys, useEligibility, useMessages, useMyApplication } from '../../api/queries.ts';
import type { Application, UploadedDocument } from '../../api/types.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Card } from '../../components/Card.tsx';
import { Button, ButtonLink } from '../../components/Button.tsx';
import { StatusBadge } from '../../components/Badge.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Alert } from '../../components/Alert.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { TextAreaField } from '../../components/Field.tsx';
import { StepUpAlert } from '../../components/StepUpAlert.tsx';
import { Timeline } from '../../components/Timeline.tsx';
import { MessageThread } from '../../components/MessageThread.tsx';
import { useFormat } from '../../lib/format.ts';
import { REASON_TEXT_MAX } from '../../lib/schemas.ts';
import { BlockerList } from './BlockerList.tsx';
import { DocumentUploader } from './DocumentUploader.tsx';
import { GraceCountdown } from './GraceCountdown.tsx';

const WITHDRAWABLE = ['submitted', 'in_review', 'needs_info', 'rejected', 'approved', 'grace'];
const CHATTY = ['submitted', 'in_review', 'needs_info', 'rejected', 'approved', 'grace'];

export default function CancelStatusPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const location = useLocation();
  const query = useMyApplication();
  const app = query.data;

  if (query.isPending) return <Loading />;
  if (query.error) return <ErrorAlert error={query.error} />;
  if (!app)
    return (
      <div className="medium">
        <PageHeader title={t('status.page.title')} back={<Link to="/account"><span className="dir-arrow" aria-hidden="true">←</span> {t('nav.account')}</Link>} />
        <EmptyState title={t('status.page.none')}>
          <ButtonLink to="/account/cancel">{t('account.cancelAccount')}</ButtonLink>
        </EmptyState>
      </div>
    );

  const justSubmitted = (location.state as { justSubmitted?: boolean } | null)?.justSubmitted;
  return (
    <div className="medium">
      <PageHeader
        title={t('status.page.title')}
        lead={t(`status.page.lead.${app.status}`, { defaultValue: '' }) || undefined}
        back={<Link to="/account"><span className="dir-arrow" aria-hidden="true">←</span> {t('nav.account')}</Link>}
        actions={<StatusBadge status={app.status} />}
      />
      {justSubmitted && app.status === 'submitted' && (
        <Alert tone="success" title={t('status.page.receivedTitle')} live="polite">
          {t('status.page.received', { date: fmt.date(app.dueAt) })}
        </Alert>
      )}

      <Card title={t('status.page.summary')} id="summary">
        <dl className="summary" data-testid="status-summary" data-status={app.status}>
          <dt>{t('status.page.statusLabel')}</dt>
          <dd>
            <StatusBadge status={app.status} />
          </dd>
          <dt>{t('status.page.submittedAt')}</dt>
          <dd>{fmt.dateTime(app.submittedAt)}</dd>
          {['submitted', 'in_review'].includes(app.status) && (
            <>
              <dt>{t('status.page.dueAt')}</dt>
              <dd>
                <strong>{fmt.date(app.dueAt)}</strong> <span className="muted small">{t('status.page.dueHint')}</span>
              </dd>
            </>
          )}
          <dt>{t('fields.reasonCode')}</dt>
          <dd>{t(`reasons.${app.reasonCode}`, { defaultValue: app.reasonCode })}</dd>
          {app.reasonText && (
            <>
              <dt>{t('fields.reasonText')}</dt>
              <dd className="pre">{app.reasonText}</dd>
            </>
          )}
          {app.erasedAt && (
            <>
              <dt>{t('status.page.erasedAt')}</dt>
              <dd>{fmt.dateTime(app.erasedAt)}</dd>
            </>
          )}
        </dl>
      </Card>

      {app.decision && <DecisionCard app={app} />}
      {app.status === 'grace' && app.graceEndsAt && (
        <Card title={t('status.page.graceTitle')} id="grace">
          <GraceCountdown endsAt={app.graceEndsAt} />
          <p>{t('status.page.graceText')}</p>
        </Card>
      )}
      {app.status === 'erasing' && (
        <Alert tone="info" title={t('status.page.erasingTitle')}>
          {t('status.page.erasingText')}
        </Alert>
      )}
      {app.certificateId && (
        <Card title={t('status.page.certificateTitle')} id="certificate">
          <p>{t('status.page.certificateText')}</p>
          <ButtonLink to={`/certificates/${encodeURIComponent(app.certificateId)}`} variant="primary">
            {t('status.page.certificateLink')}
          </ButtonLink>
        </Card>
      )}
      {(app.status === 'rejected' || app.status === 'needs_info') && <ResubmitCard app={app} />}

      <Card title={t('status.page.timeline')} id="timeline">
        <Timeline entries={app.timeline} />
      </Card>

      <MessagesCard app={app} />

      {WITHDRAWABLE.includes(app.status) && <WithdrawCard />}
      {!isOpen(app) && app.status !== 'erased' && app.status !== 'rejected' && (
        <Card title={t('status.page.startAgainTitle')} id="again">
          <ButtonLink to="/account/cancel">{t('account.cancelAccount')}</ButtonLink>
        </Card>
      )}
    </div>
  );
}

function DecisionCard({ app }: { app: Application }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const d = app.decision!;
  const tone = d.outcome === 'approve' ? 'success' : d.outcome === 'reject' ? 'danger' : 'warning';
  return (
    <Card title={t('status.page.decisionTitle')} id="decision">
      <Alert tone={tone} title={t(`outcomes.${d.outcome}`, { defaultValue: d.outcome })}>
        <p className="small muted">{t('status.page.decidedAt', { time: fmt.dateTime(d.decidedAt) })}</p>
        {d.reasonCode && d.outcome !== 'approve' && <p>{t('status.page.decisionReason', { reason: t(`decisionReasons.${d.reasonCode}`, { defaultValue: d.reasonCode }) })}</p>}
      </Alert>
      {d.message && (
        <>
          <h3 className="subhead">{t('status.page.guidance')}</h3>
          <blockquote className="guidance" data-testid="decision-message">
            {d.message}
          </blockquote>
        </>
      )}
    </Card>
  );
}

function ResubmitCard({ app }: { app: Application }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [reasonText, setReasonText] = useState('');
  const [documents, setDocuments] = useState<UploadedDocument[]>([]);
  const eligibility = useEligibility();
  const [needsReauth, setNeedsReauth] = useState(false);
  const resubmit = useMutation({
    mutationFn: () =>
      call('post', '/api/cancellation/resubmit', {
        body: { ...(reasonText.trim() ? { reasonText: reasonText.trim() } : {}), ...(documents.length ? { documentIds: documents.map((d) => d.documentId) } : {}) },
      }),
    onSuccess: (updated) => {
      client.setQueryData(keys.application, updated);
      void client.invalidateQueries({ queryKey: ['cancellation'] });
    },
    onError: (error) => {
      if (isApiError(error) && error.code === 'REAUTH_REQUIRED') setNeedsReauth(true);
    },
  });
  const blockers = eligibility.data?.blockers ?? [];
  return (
    <Card title={app.status === 'needs_info' ? t('status.page.answerTitle') : t('status.page.resubmitTitle')} id="resubmit">
      <p>{t('status.page.resubmitText')}</p>
      {blockers.length > 0 && (
        <>
          <Alert tone="warning" title={t('wizard.checklist.blockedTitle')}>
            {t('status.page.resubmitBlocked')}
          </Alert>
          <BlockerList blockers={blockers} warnings={[]} showClear={false} />
        </>
      )}
      <div className="form">
        <TextAreaField
          label={t('status.page.resubmitNote')}
          hint={t('status.page.resubmitNoteHint')}
          value={reasonText}
          onChange={(e) => setReasonText(e.target.value)}
          maxLength={REASON_TEXT_MAX}
          requiredMark={false}
          data-testid="resubmit-text"
        />
        <div>
          <h3 className="subhead">{t('status.page.newDocuments')}</h3>
          <p className="muted small">{t('status.page.newDocumentsHint')}</p>
          <DocumentUploader documents={documents} onChange={setDocuments} />
        </div>
        {resubmit.error && !needsReauth && <ErrorAlert error={resubmit.error} />}
        {needsReauth && (
          <StepUpAlert
            onDone={() => {
              setNeedsReauth(false);
              resubmit.mutate();
            }}
          />
        )}
        <div className="form-actions">
          <Button busy={resubmit.isPending} onClick={() => resubmit.mutate()} data-testid="resubmit">
            {t('status.page.resubmit')}
          </Button>
          <Button variant="secondary" size="sm" busy={eligibility.isFetching} onClick={() => eligibility.refetch()}>
            {t('wizard.checklist.recheck')}
          </Button>
        </div>
      </div>
    </Card>
  );
}

function MessagesCard({ app }: { app: Application }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const messages = useMessages();
  const send = useMutation({
    mutationFn: (body: string) => call('post', '/api/cancellation/messages', { body: { body } }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.messages }),
  });
  if (messages.isPending) return <Loading />;
  if (messages.data === null) return null;
  return (
    <Card title={t('messages.title')} id="messages">
      <p className="muted">{t('messages.buyerLead')}</p>
      {messages.error ? (
        <ErrorAlert error={messages.error} />
      ) : (
        <MessageThread
          messages={messages.data ?? []}
          me="buyer"
          onSend={CHATTY.includes(app.status) ? (body) => send.mutateAsync(body) : undefined}
          sending={send.isPending}
          error={send.error}
          closedText={t('messages.closed')}
        />
      )}
    </Card>
  );
}

function WithdrawCard() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const withdraw = useMutation({
    mutationFn: () => call('post', '/api/cancellation/withdraw'),
    onSuccess: (updated) => {
      setOpen(false);
      client.setQueryData(keys.application, updated);
      void client.invalidateQueries({ queryKey: ['cancellation'] });
    },
    onError: () => setOpen(false),
  });
  const notWithdrawable = isApiError(withdraw.error) && withdraw.error.code === 'NOT_WITHDRAWABLE';
  return (
    <Card title={t('status.page.withdrawTitle')} id="withdraw" tone="muted">
      <p>{t('status.page.withdrawText')}</p>
      {withdraw.error && <ErrorAlert error={withdraw.error} />}
      {!notWithdrawable && (
        <Button variant="secondary" onClick={() => setOpen(true)} data-testid="withdraw">
          {t('status.page.withdraw')}
        </Button>
      )}
      <ConfirmDialog
        open={open}
        title={t('status.page.withdrawConfirmTitle')}
        confirmLabel={t('status.page.withdraw')}
        busy={withdraw.isPending}
        onConfirm={() => withdraw.mutate()}
        onCancel={() => setOpen(false)}
      >
        <p>{t('status.page.withdrawConfirm')}</p>
      </ConfirmDialog>
    </Card>
  );
}
