import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { compactVerify, createLocalJWKSet } from 'jose';
import { call } from '../../api/typed.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { StoresTable } from '../../components/StoresTable.tsx';
import { Card } from '../../components/Card.tsx';
import { Button } from '../../components/Button.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useFormat } from '../../lib/format.ts';

interface CertificatePayload {
  type: string;
  id: string;
  issuer?: string;
  issuedAt?: string;
  requestId?: string;
  subject?: string;
  categories?: string[];
  timeline?: Array<{ at: string; event: string }>;
  stores?: Array<{ store: string; rows: number; tables: Array<{ table: string; action: string; rows: number }> }>;
  retained?: Array<{ store: string; table: string; rows: number; legalBasis: string; period?: string; purgeAfter: string; keptColumns?: string[] }>;
  cryptoShredding?: { subjectKey?: string; documentKeys?: number };
  externalIdentities?: { unlinked: number };
  downstream?: Array<{ name: string; state: string; outcome?: string; confirmedAt?: string }>;
}

type Verdict = { valid: true; kid: string; payload: CertificatePayload } | { valid: false; reason: string };

/**
 * Checks the certificate here, in the browser, with the service's published keys (WebCrypto
 * Ed25519 through `jose`): what is shown below is what was signed, not what the page was told.
 */
async function verify(id: string): Promise<{ verdict: Verdict; jws: string; raw: unknown }> {
  const [certificate, jwks] = await Promise.all([
    call('get', '/api/certificates/{id}', { path: { id } }),
    call('get', '/.well-known/adieu/certificate-keys'),
  ]);
  try {
    const { payload, protectedHeader } = await compactVerify(certificate.jws, createLocalJWKSet(jwks), { algorithms: ['EdDSA', 'Ed25519'] });
    const signed = JSON.parse(new TextDecoder().decode(payload)) as CertificatePayload;
    if (signed.type !== 'adieu.deletion-certificate') return { verdict: { valid: false, reason: 'type' }, jws: certificate.jws, raw: certificate };
    if (signed.id !== id) return { verdict: { valid: false, reason: 'id' }, jws: certificate.jws, raw: certificate };
    return { verdict: { valid: true, kid: String(protectedHeader.kid ?? ''), payload: signed }, jws: certificate.jws, raw: certificate };
  } catch (error) {
    return { verdict: { valid: false, reason: (error as Error).message || 'signature' }, jws: certificate.jws, raw: certificate };
  }
}

export default function CertificatePage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const result = useQuery({ queryKey: ['certificate', id], queryFn: () => verify(id), retry: false, staleTime: Infinity });

  const download = () => {
    const blob = new Blob([JSON.stringify(result.data?.raw, null, 2)], { type: 'application/json' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `deletion-certificate-${id}.json`;
    link.click();
    URL.revokeObjectURL(link.href);
  };

  return (
    <div className="medium">
      <PageHeader title={t('certificate.title')} lead={t('certificate.lead')} />
      {result.isPending && <Loading label={t('certificate.verifying')} />}
      {result.error && <ErrorAlert error={result.error} />}
      {result.data && !result.data.verdict.valid && (
        <div className="verdict verdict-bad" role="alert" data-testid="certificate-verdict" data-valid="false">
          <span className="verdict-icon" aria-hidden="true">
            ✕
          </span>
          <div>
            <p className="verdict-title">{t('certificate.invalid')}</p>
            <p>{t('certificate.invalidText')}</p>
          </div>
        </div>
      )}
      {result.data?.verdict.valid && <CertificateBody verdict={result.data.verdict} />}
      {result.data && (
        <Card title={t('certificate.raw')} id="raw">
          <p className="muted small">{t('certificate.rawText')}</p>
          <details>
            <summary>{t('certificate.showJws')}</summary>
            <pre className="json">{result.data.jws}</pre>
          </details>
          <p>
            <Button variant="secondary" size="sm" onClick={download}>
              {t('certificate.download')}
            </Button>
          </p>
          <p className="muted small">
            {t('certificate.offline')} <code>npx adieu verify-certificate deletion-certificate-{id}.json</code>
          </p>
        </Card>
      )}
    </div>
  );
}

function CertificateBody({ verdict }: { verdict: Extract<Verdict, { valid: true }> }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const p = verdict.payload;
  return (
    <>
      <div className="verdict verdict-ok" role="status" data-testid="certificate-verdict" data-valid="true">
        <span className="verdict-icon" aria-hidden="true">
          ✓
        </span>
        <div>
          <p className="verdict-title">{t('certificate.valid')}</p>
          <p>{t('certificate.validText', { kid: verdict.kid })}</p>
        </div>
      </div>
      <Card title={t('certificate.summary')} id="summary">
        <dl className="summary">
          <dt>{t('certificate.id')}</dt>
          <dd className="mono">{p.id}</dd>
          <dt>{t('certificate.issuedAt')}</dt>
          <dd>{fmt.dateTime(p.issuedAt)}</dd>
          {p.issuer && (
            <>
              <dt>{t('certificate.issuer')}</dt>
              <dd>{p.issuer}</dd>
            </>
          )}
          {p.requestId && (
            <>
              <dt>{t('certificate.request')}</dt>
              <dd className="mono">{p.requestId}</dd>
            </>
          )}
          {p.subject && (
            <>
              <dt>{t('certificate.subject')}</dt>
              <dd className="mono">{p.subject}</dd>
            </>
          )}
          {p.cryptoShredding && (
            <>
              <dt>{t('certificate.shredding')}</dt>
              <dd>{t('certificate.shreddingText', { count: p.cryptoShredding.documentKeys ?? 0 })}</dd>
            </>
          )}
          {!!p.externalIdentities?.unlinked && (
            <>
              <dt>{t('certificate.externalIdentities')}</dt>
              <dd>{t('certificate.externalIdentitiesText', { count: p.externalIdentities.unlinked })}</dd>
            </>
          )}
        </dl>
      </Card>
      {p.stores && p.stores.length > 0 && (
        <Card title={t('certificate.stores')} id="stores">
          <StoresTable
            rows={p.stores.flatMap((s) =>
              s.tables.map((tb, i) => ({ key: `${s.store}-${tb.table}-${i}`, store: i === 0 ? s.store : '', table: tb.table, action: tb.action, rows: tb.rows })),
            )}
          />
        </Card>
      )}
      {p.retained && p.retained.length > 0 && (
        <Card title={t('certificate.retained')} id="retained">
          <p className="muted">{t('certificate.retainedText')}</p>
          <ul className="list">
            {p.retained.map((r) => (
              <li key={`${r.store}-${r.table}`} className="list-item">
                <div>
                  <p className="list-title mono">{r.table}</p>
                  <p className="small">{t('certificate.retainedItem', { count: r.rows, rows: fmt.number(r.rows), basis: r.legalBasis, date: fmt.date(r.purgeAfter) })}</p>
                </div>
              </li>
            ))}
          </ul>
        </Card>
      )}
      {p.downstream && p.downstream.length > 0 && (
        <Card title={t('certificate.downstream')} id="downstream">
          <ul className="list">
            {p.downstream.map((d) => (
              <li key={d.name} className="list-item">
                <span>{d.name}</span>
                <span>
                  {t(`status.${d.state}`, { defaultValue: d.state })}
                  {d.confirmedAt && <span className="muted small"> · {fmt.dateTime(d.confirmedAt)}</span>}
                </span>
              </li>
            ))}
          </ul>
        </Card>
      )}
      {p.timeline && p.timeline.length > 0 && (
        <Card title={t('certificate.timeline')} id="timeline">
          <ol className="timeline">
            {p.timeline.map((e) => (
              <li key={e.event}>
                <p className="timeline-event">{t(`certificate.events.${e.event}`, { defaultValue: e.event })}</p>
                <p className="timeline-time">{fmt.dateTime(e.at)}</p>
              </li>
            ))}
          </ol>
        </Card>
      )}
    </>
  );
}
