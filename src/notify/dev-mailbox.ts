import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

export interface MailboxMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  channel: 'email' | 'sms';
  sentAt: string;
}

/**
 * The dev mailbox: one JSON file per message under `dataDir/mailbox`, so every process on the
 * machine writes to the same place. Erasure purges a buyer's messages from it.
 */
export class DevMailbox {
  constructor(
    private readonly dir: string,
    private readonly now: () => Date,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  async deliver(message: Omit<MailboxMessage, 'sentAt'>): Promise<void> {
    const sentAt = this.now().toISOString();
    const name = `${sentAt.replace(/[:.]/g, '-')}-${randomBytes(6).toString('hex')}.json`;
    const temp = join(this.dir, `.${name}.tmp`);
    writeFileSync(temp, JSON.stringify({ ...message, sentAt }), { mode: 0o600 });
    renameSync(temp, join(this.dir, name));
  }

  private entries(): Array<{ file: string; message: MailboxMessage }> {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
      .map((file) => ({ file, message: JSON.parse(readFileSync(join(this.dir, file), 'utf8')) as MailboxMessage }));
  }

  /** Newest first; `to` matches exactly (case-insensitive). */
  list(to?: string): MailboxMessage[] {
    const wanted = to?.toLowerCase();
    return this.entries()
      .filter(({ message }) => !wanted || message.to.toLowerCase() === wanted)
      .sort((a, b) => (a.file < b.file ? 1 : -1))
      .map(({ message }) => message);
  }

  /** Removes every message to one of these recipients; returns how many. */
  purge(recipients: string[]): number {
    const set = new Set(recipients.map((r) => r.toLowerCase()));
    let removed = 0;
    for (const { file, message } of this.entries()) {
      if (set.has(message.to.toLowerCase())) {
        rmSync(join(this.dir, file), { force: true });
        removed += 1;
      }
    }
    return removed;
  }
}
