import { describe, expect, it } from 'vitest';
import { sniffType } from './image-type.ts';

const ftyp = (major: string, ...compatible: string[]) => {
  const size = 16 + 4 * compatible.length;
  const box = Buffer.alloc(size + 8);
  box.writeUInt32BE(size, 0);
  box.write('ftyp', 4, 'latin1');
  box.write(major, 8, 'latin1');
  compatible.forEach((brand, i) => box.write(brand, 16 + 4 * i, 'latin1'));
  return box;
};

describe('sniffType', () => {
  it('recognises the accepted photo formats by their first bytes', () => {
    expect(sniffType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toEqual({ kind: 'image', format: 'jpeg' });
    expect(sniffType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toEqual({ kind: 'image', format: 'png' });
    expect(sniffType(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'))).toEqual({ kind: 'image', format: 'webp' });
    expect(sniffType(ftyp('heic', 'mif1', 'heic'))).toEqual({ kind: 'image', format: 'heic' });
    expect(sniffType(ftyp('mif1', 'mif1', 'heic'))).toEqual({ kind: 'image', format: 'heic' });
    expect(sniffType(ftyp('avif', 'avif', 'mif1', 'miaf'))).toEqual({ kind: 'image', format: 'avif' });
    expect(sniffType(ftyp('mif1', 'mif1', 'miaf'))).toEqual({ kind: 'image', format: 'heif' });
  });

  it('tells PDFs, empty files and everything else apart', () => {
    expect(sniffType(Buffer.from('%PDF-1.7\n'))).toEqual({ kind: 'pdf' });
    expect(sniffType(Buffer.alloc(0))).toEqual({ kind: 'empty' });
    expect(sniffType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toEqual({ kind: 'unknown' });
    expect(sniffType(Buffer.from('<!doctype html><img src=x onerror=alert(1)>'))).toEqual({ kind: 'unknown' });
    expect(sniffType(ftyp('isom', 'isom', 'mp41'))).toEqual({ kind: 'unknown' });
    // An HTML file that merely contains JPEG bytes later on is not a JPEG.
    expect(sniffType(Buffer.concat([Buffer.from('<html>'), Buffer.from([0xff, 0xd8, 0xff])]))).toEqual({ kind: 'unknown' });
  });

  it('ignores a malformed ftyp box', () => {
    const box = ftyp('heic');
    box.writeUInt32BE(0xffffffff, 0);
    expect(sniffType(box)).toEqual({ kind: 'unknown' });
  });
});
