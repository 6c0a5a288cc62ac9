import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, type RequestBody } from '../../api/typed.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Card } from '../../components/Card.tsx';
import { Button } from '../../components/Button.tsx';
import { SelectField, TextAreaField } from '../../components/Field.tsx';
import { Alert } from '../../components/Alert.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { LANGUAGES } from '../../i18n.ts';
import { useFormat } from '../../lib/format.ts';

/** One template as the API takes it: a reason code and a language. */
type Template = RequestBody<'/api/review/guidance-templates', 'put'>['items'][number];

const KEY = ['review', 'guidance-templates'] as const;

/**
 * The guidance buyers receive with a decision, per reason code and language. The preview shows the
 * text as the buyer reads it: plain text, in the buyer's language (never as HTML).
 */
export default function GuidanceTemplatesPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const client = useQueryClient();
  const templates = useQuery({ queryKey: KEY, queryFn: async () => (await call('get', '/api/review/guidance-templates')).items });
  const [reasonCode, setReasonCode] = useState<Template['reasonCode']>('ID_UNREADABLE');
  const [locale, setLocale] = useState<Template['locale']>(LANGUAGES[0].code);
  // Drafts per template, so switching reason or language keeps unsaved words.
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const key = `${reasonCode}:${locale}`;
  const current = templates.data?.find((x) => x.reasonCode === reasonCode && x.locale === locale);
  const body = drafts[key] ?? current?.body ?? '';
  const save = useMutation({
    mutationFn: (text: string) => call('put', '/api/review/guidance-templates', { body: { items: [{ reasonCode, locale, body: text }] } }),
    onSuccess: (result) => {
      client.setQueryData(KEY, result.items);
      setDrafts(({ [key]: _saved, ...rest }) => rest);
    },
  });
  const codes = [...new Set(templates.data?.map((x) => x.reasonCode) ?? [])];
  return (
    <>
      <PageHeader title={t('admin.guidance.title')} lead={t('admin.guidance.lead')} />
      {templates.isPending && <Loading />}
      {templates.error && <ErrorAlert error={templates.error} />}
      {templates.data && (
        <div className="grid-2">
          <Card title={t('admin.guidance.edit')}>
            <form
              onSubmit={(e) => {
                e.preventDefault();
                save.mutate(body);
              }}
            >
              <SelectField
                label={t('admin.guidance.reason')}
                value={reasonCode}
                onChange={(e) => {
                  setReasonCode(e.target.value as Template['reasonCode']);
                  save.reset();
                }}
                options={codes.map((code) => ({ value: code, label: t(`decisionReasons.${code}`, { defaultValue: code }) }))}
              />
              <SelectField
                label={t('admin.guidance.language')}
                value={locale}
                onChange={(e) => {
                  setLocale(e.target.value as Template['locale']);
                  save.reset();
                }}
                options={LANGUAGES.map((l) => ({ value: l.code, label: l.label }))}
              />
              <TextAreaField
                label={t('admin.guidance.body')}
                hint={t('admin.guidance.bodyHint')}
                lang={locale}
                rows={6}
                maxLength={2000}
                value={body}
                onChange={(e) => setDrafts((d) => ({ ...d, [key]: e.target.value }))}
              />
              <p className="small muted" data-testid="guidance-state">
                {current?.edited && current.updatedAt ? t('admin.guidance.editedAt', { time: fmt.dateTime(current.updatedAt) }) : t('admin.guidance.builtIn')}
              </p>
              {save.error && <ErrorAlert error={save.error} />}
              {save.isSuccess && (
                <Alert tone="success" live="polite">
                  {t('admin.guidance.saved')}
                </Alert>
              )}
              <div className="form-actions">
                <Button type="submit" busy={save.isPending && save.variables !== ''} disabled={!body.trim()}>
                  {t('admin.guidance.save')}
                </Button>
                {current?.edited && (
                  <Button variant="secondary" busy={save.isPending && save.variables === ''} onClick={() => save.mutate('')}>
                    {t('admin.guidance.restore')}
                  </Button>
                )}
              </div>
            </form>
          </Card>
          <Card title={t('admin.guidance.preview')}>
            <p className="small muted">{t('admin.guidance.previewHint')}</p>
            <div className="guidance-preview" lang={locale} data-testid="guidance-preview">
              {body}
            </div>
          </Card>
        </div>
      )}
    </>
  );
}
