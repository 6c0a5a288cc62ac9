import { describe, expect, it } from 'vitest';
import { resolveParams } from './params.ts';

describe('statement parameters', () => {
  it('resolves each identity from the run, and a missing one to NULL (which matches no row)', () => {
    const values = { userId: 'usr_1', subjectId: 'sub_1', externalId: 'plat-42', email: 'a@example.com', phone: '+8613800000001', now: new Date(0) };
    expect(resolveParams([{ ref: 'external_id' }, { ref: 'email' }, { ref: 'phone' }, { ref: 'user_id' }], values)).toEqual(['plat-42', 'a@example.com', '+8613800000001', 'usr_1']);
    expect(resolveParams([{ ref: 'external_id' }, { ref: 'email' }], { userId: 'usr_1', subjectId: 'sub_1', now: new Date(0) })).toEqual([null, null]);
  });

});
