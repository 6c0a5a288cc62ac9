import type { ParamRef } from '../domain/erasure-sql.ts';
import type { IdentityKind } from '../domain/erasure-datamap.ts';
import type { Needle } from '../domain/erasure-scan.ts';
import { identifierFilters, needlesJson, needlesProbeJson } from '../domain/erasure-scan.ts';

/** The values behind a planned statement's parameters. */
export interface ParamValues {
  userId: string;
  subjectId: string;
  /** The platform's id of the buyer; absent or null when the platform never named them. */
  externalId?: string | null;
  /** Normalised contact (lower-case email, E.164 phone), for tables reached by contact. */
  email?: string | null;
  phone?: string | null;
  now: Date;
  hmac?: { outer: string; inner: string };
  needles?: Needle[];
}

/**
 * The subject's value of an identity kind, for every connector (SQL placeholders, Redis key
 * patterns, file path templates). Null when the subject has none: a statement comparing with NULL
 * matches no row, and a connector of keys or paths must skip the pattern.
 */
export function identityValue(values: ParamValues, kind: IdentityKind): string | null {
  switch (kind) {
    case 'user_id':
      return values.userId;
    case 'subject_id':
      return values.subjectId;
    case 'external_id':
      return values.externalId ?? null;
    case 'email':
      return values.email ?? null;
    case 'phone':
      return values.phone ?? null;
  }
}

export function resolveParams(refs: ParamRef[], values: ParamValues): unknown[] {
  let filters: ReturnType<typeof identifierFilters> | undefined;
  const identifiers = () => (filters ??= identifierFilters(values.needles ?? []));
  return refs.map((param) => {
    switch (param.ref) {
      case 'user_id':
      case 'subject_id':
      case 'external_id':
      case 'email':
      case 'phone':
        return identityValue(values, param.ref);
      case 'now':
        return values.now.toISOString();
      case 'hmac_outer':
      case 'hmac_inner':
        if (!values.hmac) throw new Error('the pseudonymisation key is needed');
        return param.ref === 'hmac_outer' ? values.hmac.outer : values.hmac.inner;
      case 'const':
        return param.value;
      case 'period':
        return param.value;
      case 'needles_json':
        return needlesJson(values.needles ?? []);
      case 'needles_probe':
        return needlesProbeJson(values.needles ?? []);
      case 'identifier_pattern':
        return patternAt(identifiers().patterns, param.index);
      case 'phone_pattern':
        return patternAt(identifiers().phonePatterns, param.index);
      case 'phone_regex':
        return identifiers().phoneRegex;
    }
  });
}

/** A statement built for more patterns than the needles give must not run with NULL in their place. */
function patternAt(patterns: string[], index: number): string {
  if (index >= patterns.length) throw new Error('the statement was built for other needles');
  return patterns[index];
}

/** An identity that a key or file template needs: a subject without it cannot be matched safely. */
export function requiredIdentityValue(kind: IdentityKind, values: ParamValues): string {
  const value = identityValue(values, kind);
  if (value === null || value === '') throw new Error(`the subject has no ${kind}`);
  return value;
}
