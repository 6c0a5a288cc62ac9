import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { byStart, type ForgetEntry, type ForgetList, type ForgetStep } from './forget-list.ts';

const HASH = /^[0-9a-f]{64}$/;

interface Stored {
  subjectHash: string;
  startedAt: string;
  completedAt: string | null;
  steps: ForgetStep[];
  reappliedAt: string | null;
}

/** One JSON file per subject in `<key folder>/forget`, beside the keys (one machine). */
export class FolderForgetList implements ForgetList {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  private path(subjectHash: string): string {
    if (!HASH.test(subjectHash)) throw new Error('invalid forget-list hash');
    return join(this.dir, `${subjectHash}.json`);
  }

  private read(subjectHash: string): Stored | null {
    try {
      return JSON.parse(readFileSync(this.path(subjectHash), 'utf8')) as Stored;
    } catch {
      return null;
    }
  }

  /** Written whole under a temporary name, then renamed: a reader never sees half a file. */
  private write(entry: Stored): void {
    const file = this.path(entry.subjectHash);
    const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(temp, JSON.stringify(entry), { mode: 0o600 });
    renameSync(temp, file);
  }

  async record(entry: { subjectHash: string; startedAt: Date; steps: ForgetStep[] }): Promise<void> {
    const prior = this.read(entry.subjectHash);
    if (prior?.completedAt) return;
    this.write({ subjectHash: entry.subjectHash, startedAt: prior?.startedAt ?? entry.startedAt.toISOString(), completedAt: null, steps: entry.steps, reappliedAt: prior?.reappliedAt ?? null });
  }

  async complete(subjectHash: string, completedAt: Date, steps: ForgetStep[]): Promise<void> {
    const prior = this.read(subjectHash);
    if (!prior) return;
    this.write({ ...prior, completedAt: prior.completedAt ?? completedAt.toISOString(), steps });
  }

  async markReapplied(subjectHash: string, at: Date): Promise<void> {
    const prior = this.read(subjectHash);
    if (prior) this.write({ ...prior, reappliedAt: at.toISOString() });
  }

  async list(since?: Date): Promise<ForgetEntry[]> {
    const entries: ForgetEntry[] = [];
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith('.json')) continue;
      const stored = this.read(name.slice(0, -5));
      if (!stored) continue;
      const entry: ForgetEntry = {
        subjectHash: stored.subjectHash,
        startedAt: new Date(stored.startedAt),
        completedAt: stored.completedAt ? new Date(stored.completedAt) : null,
        steps: stored.steps,
        reappliedAt: stored.reappliedAt ? new Date(stored.reappliedAt) : null,
      };
      if (!since || entry.startedAt >= since) entries.push(entry);
    }
    return entries.sort(byStart);
  }

  async close(): Promise<void> {}
}
