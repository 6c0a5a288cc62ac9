import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writeJsonLines } from './copy-table-text.ts';

/** What the row path writes between `[` and `\n]\n`. */
const arrayBody = (objects: string[]) => objects.map((o, i) => (i === 0 ? '\n' : ',\n') + o).join('');

async function body(chunks: Buffer[]): Promise<{ text: string; lines: number }> {
  const out: Buffer[] = [];
  const lines = await writeJsonLines(Readable.from(chunks), async (chunk) => void out.push(chunk));
  return { text: Buffer.concat(out).toString('utf8'), lines };
}

describe("COPY's JSON lines as the export's array", () => {
  const objects = ['{"a":"中文 😀"}', '{"a":"x\\ny"}', '{}', '{"a":null,"b":-1}'];
  const copied = Buffer.from(objects.map((o) => `${o}\n`).join(''), 'utf8');

  it('joins the lines with commas wherever the chunks split them, inside a character too', async () => {
    for (let i = 0; i <= copied.length; i++) {
      for (const j of [i, Math.min(copied.length, i + 1), Math.min(copied.length, i + 7)]) {
        const chunks = [copied.subarray(0, i), copied.subarray(i, j), copied.subarray(j)];
        expect(await body(chunks), `split at ${i}, ${j}`).toEqual({ text: arrayBody(objects), lines: objects.length });
      }
    }
  });

  it('writes nothing for no rows', async () => {
    expect(await body([])).toEqual({ text: '', lines: 0 });
  });
});
