import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiBlobUrl } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading } from '../../components/Loading.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';

/** Zoom relative to "fit the panel's width". */
const ZOOMS = [1, 1.5, 2, 3, 4];

/** The redacted, watermarked documents of a case; every view is audited by the server. */
export function DocumentViewer({ applicationId, documents }: { applicationId: string; documents: Array<{ documentId: string; kind: string }> }) {
  const { t } = useTranslation();
  const [index, setIndex] = useState(0);
  const [zoom, setZoom] = useState(0);
  const viewerRef = useRef<HTMLDivElement>(null);
  const [fitWidth, setFitWidth] = useState(600);
  useEffect(() => {
    const viewer = viewerRef.current;
    if (!viewer) return;
    const observer = new ResizeObserver(() => setFitWidth(viewer.clientWidth));
    observer.observe(viewer);
    return () => observer.disconnect();
  }, []);
  const [url, setUrl] = useState<string | null>(null);
  const [natural, setNatural] = useState<{ width: number; height: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const doc = documents[index];

  useEffect(() => {
    if (!doc) return;
    const controller = new AbortController();
    let created: string | null = null;
    setUrl(null);
    setError(null);
    setNatural(null);
    apiBlobUrl(`/api/review/applications/${encodeURIComponent(applicationId)}/documents/${encodeURIComponent(doc.documentId)}`, controller.signal)
      .then((u) => {
        created = u;
        setUrl(u);
      })
      .catch((e) => {
        if ((e as Error).name !== 'AbortError') setError(e);
      });
    return () => {
      controller.abort();
      if (created) URL.revokeObjectURL(created);
    };
  }, [applicationId, doc]);

  if (documents.length === 0) return <EmptyState title={t('review.case.noDocuments')} />;
  const scale = ZOOMS[zoom];
  return (
    <div>
      <div className="doc-tabs" role="tablist" aria-label={t('review.case.documents')}>
        {documents.map((d, i) => (
          <button
            key={d.documentId}
            type="button"
            role="tab"
            aria-selected={i === index}
            className={`btn btn-sm ${i === index ? 'btn-primary' : 'btn-secondary'}`}
            onClick={() => setIndex(i)}
          >
            {t(`docs.kind_${d.kind}`, { defaultValue: d.kind })}
          </button>
        ))}
      </div>
      <div className="form-actions doc-zoom" aria-label={t('review.case.zoom')}>
        <Button variant="secondary" size="sm" onClick={() => setZoom((z) => Math.max(0, z - 1))} disabled={zoom === 0} aria-label={t('review.case.zoomOut')}>
          −
        </Button>
        <span aria-live="polite">{Math.round(scale * 100)}%</span>
        <Button variant="secondary" size="sm" onClick={() => setZoom((z) => Math.min(ZOOMS.length - 1, z + 1))} disabled={zoom === ZOOMS.length - 1} aria-label={t('review.case.zoomIn')}>
          +
        </Button>
        <Button variant="ghost" size="sm" onClick={() => setZoom(0)}>
          {t('review.case.zoomReset')}
        </Button>
      </div>
      {error ? <ErrorAlert error={error} /> : null}
      <div className="doc-viewer" tabIndex={0} aria-label={t('review.case.viewerLabel')} role="tabpanel" ref={viewerRef}>
        {!url && !error && <Loading />}
        {url && (
          <img
            src={url}
            alt={t('review.case.documentAlt', { kind: t(`docs.kind_${doc.kind}`, { defaultValue: doc.kind }) })}
            onLoad={(e) => setNatural({ width: e.currentTarget.naturalWidth, height: e.currentTarget.naturalHeight })}
            style={natural ? { width: Math.round(fitWidth * scale) } : { maxWidth: '100%' }}
            data-testid="review-document"
          />
        )}
      </div>
      <p className="muted small">{t('review.case.auditedNote')}</p>
    </div>
  );
}
