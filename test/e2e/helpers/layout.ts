import type { Page } from 'playwright-core';

/**
 * Elements that stick out of the viewport sideways (a clipped or overflowing layout), ignoring
 * what lives inside a sideways scroller (wide tables) and visually hidden helpers.
 */
export function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const scrolls = (el: Element | null): boolean => {
      for (let node = el; node && node !== document.body; node = node.parentElement) {
        const overflow = getComputedStyle(node).overflowX;
        if (overflow === 'auto' || overflow === 'scroll' || overflow === 'hidden' || overflow === 'clip') return true;
      }
      return false;
    };
    const out: string[] = [];
    // What the reader notices: the whole page scrolls sideways.
    if (document.documentElement.scrollWidth > width + 1) out.push(`page [${document.documentElement.scrollWidth} of ${width}]`);
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const rect = el.getBoundingClientRect();
      if (rect.width <= 1 || rect.height <= 1) continue;
      if (rect.right <= width + 1 && rect.left >= -1) continue;
      if (scrolls(el.parentElement)) continue;
      const name = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}`;
      out.push(`${name} [${Math.round(rect.left)}…${Math.round(rect.right)} of ${width}]`);
    }
    return out;
  });
}

/**
 * Visible words that did not go through the translation files: in the pseudo-locale every
 * translated word carries accents, so a plain ASCII word in the page chrome is hard-coded.
 * Data (names, e-mail addresses, codes, amounts, the inputs, the words `data` lists) and the server's own sentences
 * (eligibility, which it words in a real locale) are left out.
 */
export function untranslatedWords(page: Page, data: string[] = []): Promise<string[]> {
  return page.evaluate((allowed) => {
    // Text in another declared language (the language list's endonyms) is not the page's own.
    const skip = '[data-server-text], [lang]:not(html), .user-name, code, .mono, input, textarea, select, script, style, [data-user-content], .visually-hidden, .demo-banner, dd, td, time';
    const out = new Set<string>();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest(skip) || !parent.checkVisibility()) continue;
      for (const word of node.textContent?.match(/\b[A-Za-z]{4,}\b/g) ?? []) if (!allowed.includes(word)) out.add(`${word} (${parent.tagName.toLowerCase()})`);
    }
    return [...out];
  }, data);
}
