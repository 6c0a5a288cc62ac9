import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { call } from '../../api/typed.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Card } from '../../components/Card.tsx';
import { Badge } from '../../components/Badge.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';

type Column = string | { action: string; category?: string; note?: string; identifier?: string; encrypted?: boolean; value?: unknown };

const actionOf = (c: Column) => (typeof c === 'string' ? c : c.action);

/** Where a buyer's personal data lives, and what erasure does to each table and column. */
export default function DataMapPage() {
  const { t } = useTranslation();
  const map = useQuery({ queryKey: ['admin', 'datamap'], queryFn: () => call('get', '/api/admin/datamap') });
  const data = map.data;
  return (
    <>
      <PageHeader title={t('admin.datamap.title')} lead={t('admin.datamap.lead')} />
      {map.isPending && <Loading />}
      {map.error && <ErrorAlert error={map.error} />}
      {data && (
        <>
          <p className="muted small">
            {t('admin.datamap.hash')} <code>{data.hash.slice(0, 16)}…</code> · {t('admin.datamap.categories', { count: data.categories.length })}
          </p>
          {data.stores.map((store) => (
            <Card
              key={store.store}
              id={`store-${store.store}`}
              title={
                <>
                  {store.title ?? store.store} <span className="muted small mono">{store.store}</span>
                </>
              }
            >
              <div className="table-wrap" tabIndex={0} role="region" aria-label={t('common.scrollTable')}>
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">{t('admin.datamap.table')}</th>
                      <th scope="col">{t('admin.datamap.action')}</th>
                      <th scope="col">{t('admin.datamap.fields')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {Object.entries(store.tables).map(([name, table]) => {
                      const personal = Object.entries(table.columns ?? {}).filter(([, c]) => actionOf(c) !== 'non_personal');
                      return (
                        <tr key={name}>
                          <td>
                            <span className="mono">{name}</span>
                            {table.description && <div className="small muted">{table.description}</div>}
                          </td>
                          <td>
                            <Badge tone={table.rows === 'delete' ? 'danger' : table.rows === 'retain' ? 'warning' : table.rows === 'none' ? 'neutral' : 'info'}>
                              {t(`admin.datamap.rows.${table.rows}`, { defaultValue: table.rows })}
                            </Badge>
                            {table.retain && (
                              <div className="small">
                                {t('admin.datamap.retainFor', { period: table.retain.period })} — {table.retain.legalBasis}
                              </div>
                            )}
                          </td>
                          <td className="small">
                            {personal.length === 0
                              ? '—'
                              : personal.map(([column, c]) => (
                                  <div key={column}>
                                    <span className="mono">{column}</span> → {t(`admin.datamap.columns.${actionOf(c)}`, { defaultValue: actionOf(c) })}
                                    {typeof c === 'object' && c.category && <span className="muted"> ({c.category})</span>}
                                  </div>
                                ))}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            </Card>
          ))}
          <Card title={t('admin.datamap.plan')} id="plan">
            <ol className="plan">
              {data.plan.map((step) => (
                <li key={step.seq}>
                  <span className="mono">{step.table === '-' ? step.store : `${step.store} · ${step.table}`}</span> — {t(`stores.actions.${step.action}`, { defaultValue: step.action })}
                </li>
              ))}
            </ol>
          </Card>
        </>
      )}
    </>
  );
}
