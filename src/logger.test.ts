import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

describe('logger', () => {
  it('blanks the configuration secrets out of every line, whatever field carries them', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const secret = 'p4ss"word-from-env';
    const logger = createLogger('info', sink, [secret]);
    logger.info({ url: `smtp://u:${secret}@mail`, nested: { why: secret } }, `failed with ${secret}`);
    logger.error(new Error(`connect to ${secret} refused`));
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toContain('p4ss');
      expect(line).toContain('[redacted]');
    }
  });
});
