import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './return-to.ts';

describe('safeReturnTo', () => {
  it('keeps paths of this site', () => {
    expect(safeReturnTo('/cancel')).toBe('/cancel');
    expect(safeReturnTo('/account?tab=sessions#top')).toBe('/account?tab=sessions#top');
  });

  it('turns anything that could leave the site into /', () => {
    for (const bad of ['//evil.example', '//evil.example/path', '/\\evil.example', 'https://evil.example', 'evil.example', '/\t/evil.example', '/%0a/x\n', 'javascript:alert(1)', '', undefined, null, `/${'a'.repeat(600)}`]) {
      expect(safeReturnTo(bad), String(bad)).toBe('/');
    }
  });
});
