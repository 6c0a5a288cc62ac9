import { useEffect, useId, useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation } from '@tanstack/react-query';
import { apiBlobUrl } from '../../api/client.ts';
import { call } from '../../api/typed.ts';
import type { DocumentKind, Redaction, UploadedDocument } from '../../api/types.ts';
import { Button } from '../../components/Button.tsx';
import { SelectField } from '../../components/Field.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Alert } from '../../components/Alert.tsx';
import { MaskTool, type MaskResult } from './MaskTool.tsx';

export const ACCEPTED_TYPES = 'image/jpeg,image/png,image/webp,image/heic,image/heif';
const MAX_DOCUMENTS = 6;

interface DocumentUploaderProps {
  documents: UploadedDocument[];
  onChange: (documents: UploadedDocument[]) => void;
}

/** The server's cleaned copy of one upload, as a thumbnail the buyer can check. */
function Thumbnail({ documentId, alt }: { documentId: string; alt: string }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    let created: string | null = null;
    apiBlobUrl(`/api/cancellation/documents/${encodeURIComponent(documentId)}`, controller.signal)
      .then((u) => {
        created = u;
        setUrl(u);
      })
      .catch(() => undefined);
    return () => {
      controller.abort();
      if (created) URL.revokeObjectURL(created);
    };
  }, [documentId]);
  return url ? <img src={url} alt={alt} /> : <span className="thumb-placeholder" aria-hidden="true" />;
}

/** Choose a photo → crop and mask it → upload; lists what was uploaded, each removable. */
export function DocumentUploader({ documents, onChange }: DocumentUploaderProps) {
  const { t } = useTranslation();
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [kind, setKind] = useState<DocumentKind>(documents.some((d) => d.kind === 'id_front') ? 'id_back' : 'id_front');
  const [file, setFile] = useState<File | null>(null);
  const [dragOver, setDragOver] = useState(false);

  const upload = useMutation({
    mutationFn: async ({ blob, redactions }: { blob: Blob; redactions: Redaction[] }) => {
      const form = new FormData();
      form.set('kind', kind);
      if (redactions.length > 0) form.set('redactions', JSON.stringify(redactions));
      form.set('file', blob, blob instanceof File ? blob.name : 'document.jpg');
      return call('post', '/api/cancellation/documents', { body: form });
    },
    onSuccess: (doc) => {
      onChange([...documents, doc]);
      setFile(null);
      setKind(doc.kind === 'id_front' ? 'id_back' : 'other');
      if (inputRef.current) inputRef.current.value = '';
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => call('delete', '/api/cancellation/documents/{documentId}', { path: { documentId: id } }),
    onSuccess: (_data, id) => onChange(documents.filter((d) => d.documentId !== id)),
  });

  const choose = (f: File | undefined | null) => {
    upload.reset();
    if (f) setFile(f);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragOver(false);
    choose(event.dataTransfer.files[0]);
  };

  return (
    <div className="stack">
      {documents.length > 0 && (
        <ul className="doc-list" aria-label={t('docs.uploaded')}>
          {documents.map((d) => (
            <li key={d.documentId} className="doc-item">
              <Thumbnail documentId={d.documentId} alt={t('docs.thumbAlt', { kind: t(`docs.kind_${d.kind}`) })} />
              <span>{t(`docs.kind_${d.kind}`)}</span>
              <Button
                variant="ghost"
                size="sm"
                busy={remove.isPending && remove.variables === d.documentId}
                onClick={() => remove.mutate(d.documentId)}
                aria-label={t('docs.removeLabel', { kind: t(`docs.kind_${d.kind}`) })}
              >
                {t('docs.remove')}
              </Button>
            </li>
          ))}
        </ul>
      )}
      {remove.error && <ErrorAlert error={remove.error} />}
      {upload.error && <ErrorAlert error={upload.error} title={t('docs.uploadFailed')} />}
      {upload.isSuccess && !file && (
        <Alert tone="success" live="polite">
          {t('docs.uploadedOk')}
        </Alert>
      )}

      {file ? (
        <MaskTool
          file={file}
          busy={upload.isPending}
          onSubmit={(result: MaskResult) => upload.mutate({ blob: result.blob, redactions: result.redactions })}
          onSendAsIs={() => upload.mutate({ blob: file, redactions: [] })}
          onCancel={() => setFile(null)}
        />
      ) : documents.length < MAX_DOCUMENTS ? (
        <div className="stack">
          <SelectField
            label={t('docs.kind')}
            value={kind}
            onChange={(e) => setKind(e.target.value as DocumentKind)}
            options={(['id_front', 'id_back', 'other'] as const).map((k) => ({ value: k, label: t(`docs.kind_${k}`) }))}
          />
          <div
            className={`file-drop${dragOver ? ' file-drop-active' : ''}`}
            onDragOver={(e) => (e.preventDefault(), setDragOver(true))}
            onDragLeave={() => setDragOver(false)}
            onDrop={onDrop}
          >
            <p>{t('docs.dropHint')}</p>
            <input
              id={inputId}
              ref={inputRef}
              className="visually-hidden file-input"
              type="file"
              accept={ACCEPTED_TYPES}
              onChange={(e) => choose(e.target.files?.[0])}
              data-testid="document-input"
            />
            <label htmlFor={inputId} className="btn btn-secondary">
              {t('docs.choose')}
            </label>
            <p className="muted small">{t('docs.limits')}</p>
          </div>
        </div>
      ) : (
        <p className="muted">{t('docs.max', { count: MAX_DOCUMENTS })}</p>
      )}
    </div>
  );
}
