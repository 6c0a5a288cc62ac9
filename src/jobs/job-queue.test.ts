import { describe, expect, it } from 'vitest';
import { jobFailure } from './job-queue.ts';
import { idsOnlyQueues, QUEUES } from './queues.ts';

describe('jobs', () => {
  it('a failed job keeps the SQLSTATE or the error class, never the message', () => {
    const duplicate = Object.assign(new Error('duplicate key value violates unique constraint: (email)=(ada@example.com)'), { code: '23505' });
    expect(jobFailure(duplicate)).toEqual({ error: 'SQLSTATE 23505' });
    expect(jobFailure(new Error('wrapped', { cause: duplicate }))).toEqual({ error: 'SQLSTATE 23505' });
    expect(jobFailure(new TypeError('cannot send to ada@example.com'))).toEqual({ error: 'TypeError' });
    const named = Object.assign(new Error('x'), { name: 'ada@example.com' });
    expect(jobFailure(named)).toEqual({ error: 'Error' });
    expect(jobFailure('ada@example.com')).toEqual({ error: 'Error' });
  });

  it('every queue but notify accepts ids only', () => {
    expect(Object.keys(QUEUES).filter((q) => !idsOnlyQueues().includes(q))).toEqual(['notify']);
    expect(QUEUES['erasure.step'].payload.safeParse({ runId: 'ers_Ab-9_x' }).success).toBe(true);
    expect(QUEUES['erasure.step'].payload.safeParse({ runId: '13800000001' }).success).toBe(false);
    expect(QUEUES['erasure.step'].payload.safeParse({ runId: 'ers_ada@example.com' }).success).toBe(false);
  });
});
