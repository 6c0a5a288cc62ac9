#!/usr/bin/env node
// A reference receiver for Adieu's erasure requests (Standard Webhooks), with no dependencies
// (the official `standardwebhooks` package's `new Webhook(secret).verify(body, headers)` works as well).
// It shows what a platform team implements: verify, de-duplicate, answer fast, erase, confirm.
//
//   ADIEU_WEBHOOK_SECRET=whsec_... PORT=4000 node examples/webhook-receiver/receiver.mjs
//
// Configure Adieu with: "webhooks": [{ "name": "crm", "url": "http://127.0.0.1:4000/erasure", "secret": "whsec_..." }]
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const SECRET = process.env.ADIEU_WEBHOOK_SECRET;
const PORT = Number(process.env.PORT ?? 4000);
const TOLERANCE_SECONDS = 5 * 60;
if (!SECRET) {
  console.error('Set ADIEU_WEBHOOK_SECRET (the same secret as in Adieu\'s webhooks configuration).');
  process.exit(1);
}

// As the specification says: the HMAC key is the base64-decoded part after `whsec_`.
if (!/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(SECRET)) {
  console.error('ADIEU_WEBHOOK_SECRET must be a Standard Webhooks secret (whsec_<base64>): make one with `npx adieu secret webhook`.');
  process.exit(1);
}
const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
const sign = (id, timestamp, body) => `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;

function verify(headers, body) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !timestamp || !signatures) return false;
  // Old timestamps are replays: refuse them.
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(sign(id, timestamp, body).slice(3), 'base64');
  return String(signatures)
    .split(' ')
    .some((part) => {
      const [version, value] = part.split(',', 2);
      const given = Buffer.from(value ?? '', 'base64');
      return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

// This system's own data, keyed by Adieu's pseudonymous subject id (the platform shares that id
// with its services instead of an email address). A real receiver runs its own deletes here.
const records = new Map([['sub_demo', ['newsletter preferences', 'support tickets']]]);
// Subjects whose accounts take no new orders until they are erased (or the freeze is lifted).
const frozenSubjects = new Set();
// webhook-id values already handled: Adieu sends the same id on every retry.
const handled = new Map();

async function erase(subject) {
  const had = records.delete(subject);
  return had ? 'erased' : 'not_found';
}

/** The signed callback that settles the request in Adieu; retried until Adieu accepts it. */
async function confirm(confirmUrl, messageId, outcome) {
  const body = JSON.stringify({ type: 'erasure.confirmed', data: { messageId, outcome } });
  for (let attempt = 1; attempt <= 10; attempt++) {
    const id = `cb_${randomUUID()}`;
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const response = await fetch(confirmUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': sign(id, timestamp, body) },
        body,
      });
      if (response.ok) return true;
      if (response.status < 500 && response.status !== 429) return false; // a bad request will not get better
    } catch {
      // network trouble: try again
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(60_000, 500 * 2 ** attempt)));
  }
  return false;
}

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/erasure') {
    res.writeHead(404).end();
    return;
  }
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    if (!verify(req.headers, body)) {
      res.writeHead(401).end();
      return;
    }
    const messageId = req.headers['webhook-id'];
    let event;
    try {
      event = JSON.parse(body);
    } catch {
      res.writeHead(400).end();
      return;
    }
    // A cancellation was approved (or withdrawn): stop (or resume) taking orders from that buyer,
    // then say so in the answer; the deletion certificate lists the receivers that confirmed.
    if (event.type === 'account.frozen' || event.type === 'account.unfrozen') {
      const frozen = event.type === 'account.frozen';
      if (frozen) frozenSubjects.add(event.data.subject);
      else frozenSubjects.delete(event.data.subject);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(frozen ? { frozen: true } : { unfrozen: true }));
      return;
    }
    // Any other event (`adieu.ping` from `adieu doctor`, types added later) asks for nothing:
    // acknowledge it, so a signed ping proves the URL and the secret.
    if (event.type !== 'erasure.requested') {
      res.writeHead(200).end();
      return;
    }
    // Answer at once (Adieu times out slow receivers); do the work afterwards.
    res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}');
    if (handled.has(messageId)) return; // a retry of a request already taken
    handled.set(messageId, 'working');
    erase(event.data.subject)
      .then((outcome) => confirm(event.data.confirmUrl, event.data.messageId, outcome).then((ok) => handled.set(messageId, ok ? outcome : 'unconfirmed')))
      .catch(() => handled.delete(messageId));
    console.log(`erasure request ${messageId} for subject ${event.data.subject} (${event.data.categories.length} categories)`);
  });
});

server.listen(PORT, '127.0.0.1', () => console.log(`erasure receiver listening on http://127.0.0.1:${server.address().port}/erasure`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
