import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from '../../api/typed.ts';
import { useServiceNow } from '../../api/dev.ts';
import { useSession } from '../../api/session.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Card } from '../../components/Card.tsx';
import { Button } from '../../components/Button.tsx';
import { Badge, StatusBadge } from '../../components/Badge.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Alert } from '../../components/Alert.tsx';
import { Timeline } from '../../components/Timeline.tsx';
import { MessageThread } from '../../components/MessageThread.tsx';
import { useFormat } from '../../lib/format.ts';
import { BlockerList } from '../cancel/BlockerList.tsx';
import { DocumentViewer } from './DocumentViewer.tsx';
import { DecisionForm } from './DecisionForm.tsx';
import { slaState } from './reviewTypes.ts';

export default function ReviewCasePage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const fmt = useFormat();
  const now = useServiceNow();
  const client = useQueryClient();
  const { data: session } = useSession();
  const key = ['review', 'case', id];
  const detail = useQuery({ queryKey: key, queryFn: () => call('get', '/api/review/applications/{id}', { path: { id } }) });
  const claim = useMutation({
    mutationFn: () => call('post', '/api/review/applications/{id}/claim', { path: { id } }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
  const release = useMutation({
    mutationFn: () => call('delete', '/api/review/applications/{id}/claim', { path: { id } }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });

  if (detail.isPending) return <Loading />;
  if (detail.error) return <ErrorAlert error={detail.error} />;
  const { application: app, buyer, eligibility, documents } = detail.data;
  const me = session?.user?.id;
  const claimLive = !!app.claimedBy && !!app.claimExpiresAt && new Date(app.claimExpiresAt).getTime() > now;
  const mine = claimLive && app.claimedBy === me;
  const decidable = app.status === 'in_review' && mine;
  const sla = slaState(app.dueAt, now, !!app.slaBreachedAt);
  const needsOther = !!app.firstApprovalBy && app.firstApprovalBy === me;

  return (
    <>
      <PageHeader
        title={t('review.case.title', { id: app.id.slice(-8) })}
        back={<Link to="/review"><span className="dir-arrow" aria-hidden="true">←</span> {t('review.queue.title')}</Link>}
        actions={<StatusBadge status={app.status} />}
        lead={
          <>
            {t('review.case.due', { date: fmt.date(app.dueAt) })}{' '}
            {['submitted', 'in_review'].includes(app.status) && <Badge tone={sla === 'overdue' ? 'danger' : sla === 'due_soon' ? 'warning' : 'neutral'}>{t(`review.sla.${sla}`)}</Badge>}
          </>
        }
      />
      <div className="case-grid">
        <div>
          <Card title={t('review.case.documents')} id="documents">
            <DocumentViewer applicationId={app.id} documents={documents} />
          </Card>
          <Card title={t('review.case.blockers')} id="blockers" actions={<Button variant="secondary" size="sm" busy={detail.isFetching} onClick={() => detail.refetch()}>{t('wizard.checklist.recheck')}</Button>}>
            <BlockerList blockers={eligibility.blockers} warnings={eligibility.warnings} staff />
          </Card>
          <Card title={t('review.case.history')} id="history">
            <Timeline entries={app.timeline} />
          </Card>
          <ReviewerMessages applicationId={app.id} closed={['erasing', 'erased'].includes(app.status)} />
        </div>
        <div>
          <Card title={t('review.case.buyer')} id="buyer">
            <dl className="facts facts-narrow">
              <div>
                <dt>{t('review.case.name')}</dt>
                <dd>{buyer.displayName ?? '—'}</dd>
              </div>
              <div>
                <dt>{t('fields.email')}</dt>
                <dd>{buyer.email ?? '—'}</dd>
              </div>
              <div>
                <dt>{t('fields.phone')}</dt>
                <dd>{buyer.phone ?? '—'}</dd>
              </div>
              <div>
                <dt>{t('review.case.memberSince')}</dt>
                <dd>{fmt.date(buyer.createdAt)}</dd>
              </div>
              <div>
                <dt>{t('fields.reasonCode')}</dt>
                <dd>{t(`reasons.${app.reasonCode}`, { defaultValue: app.reasonCode })}</dd>
              </div>
            </dl>
            {app.reasonText && <blockquote className="guidance">{app.reasonText}</blockquote>}
            {app.riskFlags.length > 0 && (
              <Alert tone="warning" title={t('review.case.riskTitle')}>
                <p>{app.riskFlags.map((f) => t(`review.flags.${f}`, { defaultValue: f })).join(', ')}</p>
                <p>{t('review.case.riskText')}</p>
              </Alert>
            )}
          </Card>
          <Card title={t('review.case.decide')} id="decide">
            {app.firstApprovalBy && app.status === 'in_review' && (
              <Alert tone="info" title={t('review.case.firstApprovalTitle')}>
                {needsOther ? t('review.case.firstApprovalMine') : t('review.case.firstApprovalOther')}
              </Alert>
            )}
            {app.status === 'submitted' || (app.status === 'in_review' && !claimLive) ? (
              <>
                <p>{t('review.case.claimFirst')}</p>
                {claim.error && <ErrorAlert error={claim.error} />}
                <Button busy={claim.isPending} onClick={() => claim.mutate()} data-testid="claim">
                  {t('review.queue.claimAction')}
                </Button>
              </>
            ) : app.status === 'in_review' && !mine ? (
              <Alert tone="warning">{t('review.case.claimedByOther', { time: fmt.dateTime(app.claimExpiresAt) })}</Alert>
            ) : decidable && !needsOther ? (
              <>
                <p className="muted small">{t('review.case.claimedByYou', { time: fmt.dateTime(app.claimExpiresAt) })}</p>
                <DecisionForm applicationId={app.id} version={app.version} blockers={eligibility.blockers.length} onDecided={() => client.invalidateQueries({ queryKey: ['review'] })} />
                <p>
                  <Button variant="link" busy={release.isPending} onClick={() => release.mutate()}>
                    {t('review.case.release')}
                  </Button>
                </p>
              </>
            ) : needsOther ? (
              <p>{t('review.case.firstApprovalMine')}</p>
            ) : (
              <>
                {app.decision && (
                  <Alert tone="info" title={t(`outcomes.${app.decision.outcome}`, { defaultValue: app.decision.outcome })}>
                    <p>{t('status.page.decidedAt', { time: fmt.dateTime(app.decision.decidedAt) })}</p>
                    {app.decision.reasonCode && <p>{t(`decisionReasons.${app.decision.reasonCode}`, { defaultValue: app.decision.reasonCode })}</p>}
                    <blockquote className="guidance">{app.decision.message}</blockquote>
                  </Alert>
                )}
                <p className="muted">{t('review.case.nothingToDecide')}</p>
              </>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}

function ReviewerMessages({ applicationId, closed }: { applicationId: string; closed: boolean }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const key = ['review', 'messages', applicationId];
  const messages = useQuery({
    queryKey: key,
    queryFn: async () => {
      const answer = await call('get', '/api/review/applications/{id}/messages', { path: { id: applicationId } });
      return Array.isArray(answer) ? answer : answer.items;
    },
    refetchInterval: 30_000,
  });
  const send = useMutation({
    mutationFn: (body: string) => call('post', '/api/review/applications/{id}/messages', { path: { id: applicationId }, body: { body } }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
  return (
    <Card title={t('messages.title')} id="messages">
      {messages.isPending && <Loading />}
      {messages.error && <ErrorAlert error={messages.error} />}
      {messages.data && (
        <MessageThread
          messages={messages.data}
          me="reviewer"
          onSend={closed ? undefined : (body) => send.mutateAsync(body)}
          sending={send.isPending}
          error={send.error}
          closedText={t('messages.closed')}
        />
      )}
    </Card>
  );
}
