import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from '../../api/typed.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Button } from '../../components/Button.tsx';
import { Alert } from '../../components/Alert.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { SelectField, TextField } from '../../components/Field.tsx';
import { useFormat } from '../../lib/format.ts';

type Role = 'reviewer' | 'admin';

/** Reviewer and admin accounts: invite (one-time set-password link, shown once) and remove. */
export default function StaffPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const client = useQueryClient();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('reviewer');
  const [removing, setRemoving] = useState<{ userId: string; email: string | null } | null>(null);
  const staff = useQuery({ queryKey: ['admin', 'staff'], queryFn: async () => (await call('get', '/api/admin/staff')).items });
  const refresh = () => client.invalidateQueries({ queryKey: ['admin', 'staff'] });
  const add = useMutation({ mutationFn: () => call('post', '/api/admin/staff', { body: { email, role } }), onSuccess: refresh });
  const remove = useMutation({
    mutationFn: (id: string) => call('delete', '/api/admin/staff/{id}', { path: { id } }),
    onSuccess: () => {
      setRemoving(null);
      return refresh();
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };

  return (
    <>
      <PageHeader title={t('admin.staff.title')} lead={t('admin.staff.lead')} />
      <div className="card">
        <div className="card-body">
          <form onSubmit={submit} noValidate className="form">
            {add.error && <ErrorAlert error={add.error} />}
            <TextField label={t('admin.staff.email')} type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} required />
            <SelectField
              label={t('admin.staff.role')}
              value={role}
              onChange={(e) => setRole(e.target.value as Role)}
              options={[
                { value: 'reviewer', label: t('admin.staff.roles.reviewer') },
                { value: 'admin', label: t('admin.staff.roles.admin') },
              ]}
            />
            <div className="form-actions">
              <Button type="submit" busy={add.isPending}>
                {t('admin.staff.add')}
              </Button>
            </div>
          </form>
          {add.data?.link && (
            <Alert tone="success" title={t('admin.staff.linkTitle')} live="polite">
              <p>{t('admin.staff.linkHint', { date: fmt.dateTime(add.data.expiresAt ?? '') })}</p>
              <p className="mono small">{add.data.link}</p>
            </Alert>
          )}
          {add.data && !add.data.link && (
            <Alert tone="success" title={t('admin.staff.updated')} live="polite">
              {t('admin.staff.updatedHint')}
            </Alert>
          )}
        </div>
      </div>
      {staff.isPending && <Loading />}
      {staff.error && <ErrorAlert error={staff.error} />}
      {remove.error && <ErrorAlert error={remove.error} />}
      {staff.data && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('common.scrollTable')}>
          <table className="table">
            <caption className="visually-hidden">{t('admin.staff.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.staff.email')}</th>
                <th scope="col">{t('admin.staff.role')}</th>
                <th scope="col">{t('admin.staff.state')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('admin.staff.remove')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {staff.data.map((member) => (
                <tr key={member.userId}>
                  <td>{member.email ?? '—'}</td>
                  <td>{member.roles.map((r) => t(`admin.staff.roles.${r}`)).join(', ')}</td>
                  <td>{member.passwordSet ? t('admin.staff.active') : t('admin.staff.invited')}</td>
                  <td>
                    <Button size="sm" variant="secondary" onClick={() => setRemoving({ userId: member.userId, email: member.email })}>
                      {t('admin.staff.remove')}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={removing !== null}
        title={t('admin.staff.confirmTitle', { email: removing?.email ?? '' })}
        confirmLabel={t('admin.staff.remove')}
        tone="danger"
        busy={remove.isPending}
        onConfirm={() => removing && remove.mutate(removing.userId)}
        onCancel={() => setRemoving(null)}
      >
        {t('admin.staff.confirmBody')}
      </ConfirmDialog>
    </>
  );
}
