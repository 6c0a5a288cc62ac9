/**
 * The structure of a store of items (Redis keys, files) as `adieu datamap discover` samples it:
 * items grouped by shape, where each segment that varies from item to item (an id, a date, a
 * number) is a `*`. Pure: no I/O.
 */
export interface DescribedShape {
  /** `cart:*`, `avatars/*` + `/*.png` */
  shape: string;
  /** How many items of the sample have this shape. */
  count: number;
  /** Redis type, or the file extension. */
  type: string;
  /** Sampled values of each `*` segment, in order. */
  segments: string[][];
  /** Sampled values of the items' parts: `field email`, `member`, `value`, `entry field buyer`, `content`. */
  parts: Array<{ label: string; samples: string[] }>;
}

export interface DescribedItems {
  kind: 'keys' | 'files';
  shapes: DescribedShape[];
  /** The walk stopped at its bound before it saw every item. */
  truncated: boolean;
}

/** A segment that names one item rather than a kind of item. */
export function isVariableSegment(segment: string): boolean {
  return /\d/.test(segment) || segment.length >= 16 || segment.includes('@');
}

/** `cart:u_9f…` → `cart:*`; `session:abc123:meta` → `session:*:meta`. */
export function keyShape(key: string): string {
  return key
    .split(':')
    .map((s) => (isVariableSegment(s) ? '*' : s))
    .join(':');
}

/** `avatars/u_9f…/face.png` → `avatars/*` + `/face.png`; `invoices/2025/INV-0001.pdf` → `invoices/*` + `/*.pdf`. */
export function pathShape(path: string): string {
  const parts = path.split('/');
  return parts
    .map((s, i) => {
      if (i < parts.length - 1) return isVariableSegment(s) ? '*' : s;
      const dot = s.lastIndexOf('.');
      const [base, ext] = dot > 0 ? [s.slice(0, dot), s.slice(dot)] : [s, ''];
      return isVariableSegment(base) ? `*${ext}` : s;
    })
    .join('/');
}

/** Names of fields that hold the buyer's id. */
const IDENTITY_FIELD = /^(user|buyer|customer|member|account)(_?(id|ref))?$/i;
/** Words before an id segment that say it is a buyer's: `cart:<id>`, `avatars/<id>/`. */
const BUYER_WORDS = /^(carts?|users?|buyers?|customers?|members?|accounts?|profiles?|wishlists?|favou?rites?|recent(ly_viewed)?|viewed|history|avatars?|uploads?|attachments?)$/i;

export interface ItemDraftEntry {
  shape: string;
  verdict: { personal: boolean; why: string; review: boolean };
}

const quote = (s: string) => JSON.stringify(s);

/**
 * A draft data map file for a Redis or file store: per key / path shape a proposed entry — the
 * buyer's id placed in the pattern where a segment holds buyer ids (by the ids found in fields
 * such as `buyer_id`, or by the word before it), `where` for keys whose hash field or stream entry
 * names the buyer, members and fields named by ids — and a comment saying why. Values are
 * classified with `classify` and never written.
 */
export function draftItemsMap(store: string, described: DescribedItems, classify: (name: string, samples: string[]) => { personal: boolean; why: string }): { yaml: string; entries: ItemDraftEntry[] } {
  const sep = described.kind === 'keys' ? ':' : '/';
  const ids = new Set<string>();
  for (const shape of described.shapes) {
    for (const part of shape.parts) {
      const field = /^(?:field|entry field) (.+)$/.exec(part.label)?.[1];
      if (field && IDENTITY_FIELD.test(field)) for (const v of part.samples) ids.add(v);
    }
  }
  // A fifth is ample evidence: a value that is not an id never equals one by chance.
  const isIds = (values: string[]) => values.length > 0 && values.filter((v) => ids.has(v)).length / values.length >= 0.2;
  const lines = [`# Draft written by adieu datamap discover: review every entry before use.`, `store: ${store}`, `database: { config: ${store} }`, `${described.kind}:`];
  if (described.truncated) lines.splice(1, 0, '# The walk stopped at its bound: shapes beyond it were not seen.');
  const entries: ItemDraftEntry[] = [];
  const names = new Set<string>();
  const templates = new Set<string>();
  for (const shape of described.shapes) {
    const segments = shape.shape.split(sep);
    const stars = segments.flatMap((s, i) => (s.startsWith('*') ? [i] : []));
    // The `*` segment that holds the buyer's id: by the ids seen elsewhere, else by the word before it.
    let idAt = -1;
    let evidence = '';
    stars.forEach((at, k) => {
      if (idAt >= 0) return;
      const values = shape.segments[k] ?? [];
      if (isIds(values.map((v) => (described.kind === 'files' ? v.replace(/\.[^.]*$/, '') : v)))) [idAt, evidence] = [at, 'its values are ids found in buyer-id fields'];
      else if (at > 0 && BUYER_WORDS.test(segments[at - 1]) && segments[at] === '*') [idAt, evidence] = [at, `it follows "${segments[at - 1]}" (REVIEW: confirm it is the buyer's user_id)`];
    });
    const verdicts = shape.parts.map((p) => ({ label: p.label, ...classify(p.label.replace(/^(entry )?field /, ''), p.samples) }));
    const personalParts = verdicts.filter((v) => v.personal);
    const idField = shape.parts.find((p) => /^(field|entry field) /.test(p.label) && IDENTITY_FIELD.test(p.label.replace(/^(entry )?field /, '')))?.label.replace(/^(entry )?field /, '');
    const members = shape.parts.find((p) => p.label === 'member')?.samples ?? [];
    const memberIds = members.length > 0 && isIds(members.map((m) => m.split(':')[0]));
    const fieldIds = shape.type === 'hash' && isIds(shape.parts.filter((p) => p.label.startsWith('field ')).map((p) => p.label.slice(6)));
    let entry: string[];
    let why: string;
    let personal = true;
    let review = false;
    const pattern = (at: number) => segments.map((s, i) => (i === at ? '{user_id}' : s)).join(sep);
    if (described.kind === 'files') {
      if (idAt >= 0) {
        const path = idAt < segments.length - 1 ? `${segments.slice(0, idAt).join('/')}/{user_id}/**` : pattern(idAt);
        if (templates.has(path)) continue;
        templates.add(path);
        entry = [`path: ${quote(path.replace(/^\//, ''))}`, 'action: delete'];
        why = `segment ${idAt + 1} names the buyer: ${evidence}`;
        review = evidence.includes('REVIEW');
      } else if (personalParts.length > 0) {
        entry = [`path: ${quote(shape.shape)}`, 'action: non_personal  # REVIEW: the content looks personal but no buyer id was found in the path; name the buyer with {user_id}'];
        why = `content: ${personalParts.map((p) => p.why).join('; ')}`;
        review = true;
      } else {
        entry = [`path: ${quote(shape.shape)}`, 'action: non_personal'];
        why = 'no buyer id in the path and nothing personal in the sampled content';
        personal = false;
      }
    } else if (idAt >= 0) {
      entry = [`pattern: ${quote(pattern(idAt))}`, `type: ${shape.type}`, 'action: delete_key'];
      why = `a key per buyer: segment ${idAt + 1} ${evidence}`;
      review = evidence.includes('REVIEW');
    } else if (idField && shape.type === 'hash') {
      entry = [`pattern: ${quote(shape.shape)}`, 'type: hash', `where: { field: ${quote(idField)}, identity: user_id }`, 'action: delete_key'];
      why = `its hash field ${idField} names the buyer`;
    } else if (idField && shape.type === 'stream') {
      entry = [`pattern: ${quote(shape.shape)}`, 'type: stream', `where: { field: ${quote(idField)}, identity: user_id }`, 'action: delete_entries'];
      why = `its entries' field ${idField} names the buyer`;
    } else if (memberIds && ['zset', 'set', 'list'].includes(shape.type)) {
      const prefixed = members.some((m) => m.includes(':'));
      entry = [`pattern: ${quote(shape.shape)}`, `type: ${shape.type}`, 'action: remove_members', `member: ${quote(prefixed ? '{user_id}:*' : '{user_id}')}`];
      why = `its members ${prefixed ? 'start with' : 'are'} buyer ids`;
    } else if (fieldIds) {
      entry = [`pattern: ${quote(shape.shape)}`, 'type: hash', 'action: delete_fields', 'fields: ["{user_id}"]'];
      why = 'a field per buyer, named by the buyer id';
    } else if (personalParts.length > 0) {
      entry = [`pattern: ${quote(shape.shape)}`, 'action: non_personal  # REVIEW: values look personal but nothing ties the key to a buyer'];
      why = personalParts.map((p) => `${p.label}: ${p.why}`).join('; ');
      review = true;
    } else {
      entry = [`pattern: ${quote(shape.shape)}`, 'action: non_personal'];
      why = 'no buyer id in the key, its fields or members, and no sampled value looks personal';
      personal = false;
    }
    const base = (segments.filter((s) => !s.startsWith('*') && s).pop() ?? 'items').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '') || 'items';
    let name = /^[a-z]/.test(base) ? base : `k_${base}`;
    for (let i = 2; names.has(name); i++) name = `${base}_${i}`;
    names.add(name);
    entries.push({ shape: shape.shape, verdict: { personal, why, review } });
    lines.push(`  # ${shape.count} ${described.kind === 'keys' ? 'keys' : 'files'} of this shape sampled; ${why}`, `  ${name}:`, ...entry.map((l) => `    ${l}`));
  }
  return { yaml: `${lines.join('\n')}\n`, entries };
}
