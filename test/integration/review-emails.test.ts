import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { queryRows } from '../../src/db/sql.ts';
import { claim, createBuyer, createWorld, decide, mailTo, runJobs, submitApplication, type Buyer, type World } from './cancellation-fixtures.ts';

/** The reviewer's own words reach the buyer's inbox, read from the real SMTP message. */
describe.each(DATABASE_KINDS)('review emails carry the reviewer’s message (%s)', (kind) => {
  let w: World;
  let buyer: Buyer;
  beforeEach(async () => {
    w = await createWorld(kind);
    buyer = await createBuyer(w.t, 'grace@example.com');
  });
  afterEach(() => w.close());

  it('in the rejection mail, escaped in HTML; and in the request for more information', async () => {
    const { id } = await submitApplication(buyer);
    await claim(w.reviewer, id);
    await runJobs(w.t);
    const words = 'Please upload a sharper photo of the front of your ID <script>x</script>';
    expect((await decide(w.reviewer, id, { outcome: 'reject', reasonCode: 'ID_UNREADABLE', message: words })).statusCode).toBe(200);
    await runJobs(w.t);
    const rejected = await mailTo(w.inbox, buyer.email, 3);
    expect(rejected.subject).toBe('Your account closure request was not accepted');
    expect(rejected.text).toContain('Take a new photo in good light');
    expect(rejected.text).toContain(`Message from customer service: ${words}`);
    expect(rejected.html).toContain('Please upload a sharper photo of the front of your ID &#60;script&#62;');
    expect(rejected.html).not.toContain('<script>');
    // The job carried no words of the reviewer: they were read from the application when sent.
    const [{ n }] = await queryRows<{ n: number }>(w.t.ctx.db, sql`SELECT count(*)::int AS n FROM pgboss.job WHERE data::text LIKE '%sharper%'`);
    expect(n).toBe(0);
  });

  it('without a message of the reviewer, the mail has the guidance only', async () => {
    const { id } = await submitApplication(buyer);
    await claim(w.reviewer, id);
    await runJobs(w.t);
    expect((await decide(w.reviewer, id, { outcome: 'request_info', reasonCode: 'ID_UNREADABLE' })).statusCode).toBe(200);
    await runJobs(w.t);
    const mail = await mailTo(w.inbox, buyer.email, 3);
    expect(mail.subject).toBe('We need more information to close your account');
    expect(mail.text).not.toContain('Message from customer service');
  });
});
