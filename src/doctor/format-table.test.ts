import { describe, expect, it } from 'vitest';
import { connectionError, failure, ok, warning } from './check-result.ts';
import { formatTable } from './format-table.ts';

describe('the doctor report', () => {
  it('prints one aligned line per check, the remedy after the finding, and a count', () => {
    const table = formatTable([
      ok('database', 'PostgreSQL 15 answers'),
      warning('clock skew', '4.0 s behind the database', 'synchronise the clocks'),
      failure('mail (SMTP)', 'connection refused', 'check SMTP_URL'),
    ]);
    expect(table).toBe(
      [
        'STATUS   CHECK        RESULT — WHAT TO DO',
        'ok       database     PostgreSQL 15 answers',
        'WARNING  clock skew   4.0 s behind the database — synchronise the clocks',
        'FAILURE  mail (SMTP)  connection refused — check SMTP_URL',
        '',
        '1 ok, 1 warning, 1 failure',
        '',
      ].join('\n'),
    );
  });

  it('names connection failures in plain words, without echoing what was connected to', () => {
    expect(connectionError(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe('connection refused (nothing listens there)');
    expect(connectionError(Object.assign(new Error('x'), { code: 'ESOCKET', originalCode: 'ECONNREFUSED' }))).toBe('connection refused (nothing listens there)');
    expect(connectionError(Object.assign(new Error('password authentication failed for user "crm"'), { code: '28P01' }))).toBe('authentication failed (user or password)');
    expect(connectionError(Object.assign(new Error('database "nope" does not exist'), { code: '3D000' }))).toBe('database does not exist');
    expect(connectionError(new Error('postgres://user:secret@host/db'))).toBe('failed');
  });
});
