import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { users } from '../../src/accounts/accounts.tables.ts';
import { Client } from '../helpers/test-app.ts';
import { createBuyer, createWorld, mailTo, PASSWORD, runJobs, submitApplication, type World } from './cancellation-fixtures.ts';

/** The buyer's time zone: set from the browser at sign-up, changed in settings, used for dates in mail. */
describe.each(DATABASE_KINDS)('the buyer’s time zone (%s)', (kind) => {
  let w: World;
  beforeEach(async () => {
    w = await createWorld(kind);
  });
  afterEach(() => w.close());

  const zoneOf = async (userId: string) => (await w.t.ctx.db.select({ timeZone: users.timeZone }).from(users).where(eq(users.id, userId)))[0]!.timeZone;

  it('is taken from the browser at sign-up, and an unknown zone is refused', async () => {
    const client = new Client(w.t.app);
    const bad = await client.post('/api/auth/signup', { email: 'mars@example.com', password: PASSWORD, displayName: 'Mark', timeZone: 'Mars/Olympus_Mons' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    const signup = await client.post('/api/auth/signup', { email: 'lin.signup@example.com', password: PASSWORD, displayName: 'Lin', timeZone: 'America/Los_Angeles' });
    expect(signup.statusCode).toBe(201);
    expect(await zoneOf(signup.json().userId)).toBe('America/Los_Angeles');
    await client.signIn('lin.signup@example.com', PASSWORD);
    expect((await client.get('/api/auth/session')).json().user.timeZone).toBe('America/Los_Angeles');
  });

  it('is changed in settings; a bad zone gets 422 and changes nothing', async () => {
    const buyer = await createBuyer(w.t, 'grace@example.com');
    for (const timeZone of ['Mars/Olympus_Mons', '+08:00', 'x'.repeat(100), 42]) {
      const refused = await buyer.client.patch('/api/account/preferences', { timeZone });
      expect(refused.statusCode, String(timeZone)).toBe(422);
      expect(refused.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect((await buyer.client.patch('/api/account/preferences', {})).statusCode).toBe(422);
    expect(await zoneOf(buyer.userId)).toBeNull();

    const saved = await buyer.client.patch('/api/account/preferences', { timeZone: 'Asia/Shanghai' });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toEqual({ locale: 'en', timeZone: 'Asia/Shanghai' });
    expect((await buyer.client.get('/api/account')).json().timeZone).toBe('Asia/Shanghai');
    // The language alone leaves the zone as it is; null gives the platform's back.
    expect((await buyer.client.patch('/api/account/preferences', { locale: 'de' })).json()).toEqual({ locale: 'de', timeZone: 'Asia/Shanghai' });
    expect((await buyer.client.patch('/api/account/preferences', { timeZone: null })).json()).toEqual({ locale: 'de', timeZone: null });
    expect(await zoneOf(buyer.userId)).toBeNull();
  });

  it('dates the same review deadline on each buyer’s own clock', async () => {
    const la = await createBuyer(w.t, 'la@example.com');
    const shanghai = await createBuyer(w.t, 'sh@example.com');
    const unset = await createBuyer(w.t, 'unset@example.com');
    expect((await la.client.patch('/api/account/preferences', { timeZone: 'America/Los_Angeles' })).statusCode).toBe(200);
    expect((await shanghai.client.patch('/api/account/preferences', { timeZone: 'Asia/Shanghai' })).statusCode).toBe(200);
    const due = new Set<string>();
    for (const buyer of [la, shanghai, unset]) due.add((await submitApplication(buyer)).dueAt);
    expect(due.size).toBe(1); // submitted at the same instant: one deadline, the end of a working day in China
    await runJobs(w.t);

    const text = async (email: string) => (await mailTo(w.inbox, email, 1)).text;
    const inShanghai = await text(shanghai.email);
    const inLosAngeles = await text(la.email);
    // End of the day in Shanghai is the morning of that same day in Los Angeles.
    expect(inShanghai).toMatch(/review it by \w+ \d+, 2026 at 11:59\sPM GMT\+8\./);
    expect(inLosAngeles).toMatch(/review it by \w+ \d+, 2026 at [78]:59\sAM P[SD]T\./);
    // Without a zone of their own, a buyer reads the platform's (the calendar region: China).
    expect(await text(unset.email)).toMatch(/11:59\sPM GMT\+8\./);
  });
});
