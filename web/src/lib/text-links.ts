export interface TextPart {
  text: string;
  /** Set when the part is a link. */
  href?: string;
}

/** A URL in running text: ASCII only (mail links are percent-encoded), so a CJK word after it is not swallowed. */
const URL_IN_TEXT = /(https?:\/\/[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+)/g;
/** Sentence punctuation right after a link ("… leads to https://shop.example.") is not part of it. */
const TRAILING_PUNCTUATION = /[.,;:!?'")\]]+$/;

/** Splits plain text into text and links, for showing a text mail with clickable links. */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  for (const piece of text.split(URL_IN_TEXT)) {
    if (!piece) continue;
    if (!/^https?:\/\//.test(piece)) {
      parts.push({ text: piece });
      continue;
    }
    const tail = TRAILING_PUNCTUATION.exec(piece)?.[0] ?? '';
    const href = piece.slice(0, piece.length - tail.length);
    parts.push({ text: href, href });
    if (tail) parts.push({ text: tail });
  }
  return parts;
}
