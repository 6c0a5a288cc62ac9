import { useState } from 'react';
import { negotiateLocale } from '../../../../src/domain/locales.ts';
import { deviceTimeZone, knownTimeZones } from '../../../../src/domain/time-zones.ts';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { call } from '../../api/typed.ts';
import { useAccount } from '../../api/queries.ts';
import { Card } from '../../components/Card.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { RadioGroup, SelectField } from '../../components/Field.tsx';
import { Alert } from '../../components/Alert.tsx';
import { Button, ButtonLink } from '../../components/Button.tsx';
import { LANGUAGES } from '../../i18n.ts';
import { useFormat } from '../../lib/format.ts';

export default function SettingsPage() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const account = useAccount();
  // The language emails use is the account's; the page may show another until the reader picks one here.
  const [chosen, setChosen] = useState<string | null>(null);
  const saveLocale = useMutation({
    mutationFn: (locale: string) => call('patch', '/api/account/preferences', { body: { locale: negotiateLocale(locale) } }),
  });
  // Dates in emails and text messages: in this zone; none set means the service's own.
  const [zone, setZone] = useState<string | null | undefined>(undefined);
  const saveZone = useMutation({
    mutationFn: (timeZone: string | null) => call('patch', '/api/account/preferences', { body: { timeZone } }),
  });

  if (account.isPending) return <Loading />;
  if (account.error) return <ErrorAlert error={account.error} />;
  const me = account.data;

  const choose = (locale: string) => {
    setChosen(locale);
    void i18n.changeLanguage(locale);
    saveLocale.mutate(locale);
  };
  const currentZone = zone === undefined ? me.timeZone : zone;
  const device = deviceTimeZone();
  const chooseZone = (value: string) => {
    setZone(value || null);
    saveZone.mutate(value || null);
  };

  return (
    <>
      <PageHeader title={t('settings.title')} lead={t('settings.lead')} back={<Link to="/account"><span className="dir-arrow" aria-hidden="true">←</span> {t('nav.account')}</Link>} />
      <Card title={t('settings.profile')} id="profile">
        <dl className="facts">
          <div>
            <dt>{t('fields.displayName')}</dt>
            <dd>{me.displayName}</dd>
          </div>
          <div>
            <dt>{t('fields.email')}</dt>
            <dd>{me.email ? <bdi dir="ltr">{me.email}</bdi> : t('common.none')}</dd>
          </div>
          <div>
            <dt>{t('fields.phone')}</dt>
            <dd>{me.phone ? <bdi dir="ltr">{me.phone}</bdi> : t('common.none')}</dd>
          </div>
          <div>
            <dt>{t('settings.memberSince')}</dt>
            <dd>{fmt.date(me.createdAt)}</dd>
          </div>
        </dl>
        <p className="muted">{t('settings.maskedNote')}</p>
      </Card>
      <Card title={t('settings.language')} id="language">
        <RadioGroup
          legend={t('settings.languageLegend')}
          name="locale"
          value={chosen ?? me.locale ?? i18n.resolvedLanguage ?? 'en'}
          onChange={choose}
          options={LANGUAGES.map((l) => ({ value: l.code, label: <span lang={l.code}>{l.label}</span> }))}
        />
        {saveLocale.isSuccess && (
          <Alert tone="success" live="polite">
            {t('settings.languageSaved')}
          </Alert>
        )}
        {saveLocale.error && <ErrorAlert error={saveLocale.error} />}
      </Card>
      <Card title={t('settings.timeZone')} id="time-zone">
        <SelectField
          label={t('settings.timeZoneLegend')}
          hint={t('settings.timeZoneHint')}
          value={currentZone ?? ''}
          onChange={(e) => chooseZone(e.target.value)}
          options={[{ value: '', label: t('settings.timeZoneNone') }, ...knownTimeZones(currentZone).map((z) => ({ value: z, label: z.replace(/_/g, ' ') }))]}
        />
        {device && device !== currentZone && (
          <Button variant="secondary" size="sm" onClick={() => chooseZone(device)}>
            {t('settings.timeZoneDevice', { zone: device.replace(/_/g, ' ') })}
          </Button>
        )}
        {saveZone.isSuccess && (
          <Alert tone="success" live="polite">
            {t('settings.timeZoneSaved')}
          </Alert>
        )}
        {saveZone.error && <ErrorAlert error={saveZone.error} />}
      </Card>
      <Card title={t('settings.password')} id="password">
        <p>{t('settings.passwordText')}</p>
        <ButtonLink to="/forgot-password">{t('settings.passwordAction')}</ButtonLink>
      </Card>
    </>
  );
}
