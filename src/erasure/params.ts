import type { ParamRef } from '../domain/erasure-sql.ts';
import type { IdentityKind } from '../domain/erasure-datamap.ts';
import type { Needle } from '../domain/erasure-scan.ts';
import { needlesJson } from '../domain/erasure-scan.ts';

/** The values behind a planned statement's parameters. */
export interface ParamValues {
  userId: string;
  subjectId: string;
  now: Date;
  hmac?: { outer: string; inner: string };
  needles?: Needle[];
}

export function resolveParams(refs: ParamRef[], values: ParamValues): unknown[] {
  return refs.map((param) => {
    switch (param.ref) {
      case 'user_id':
        return values.userId;
      case 'subject_id':
        return values.subjectId;
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
    }
  });
}

/**
 * The value of one identity of the subject, as the SQL connectors bind it: templates of key and
 * file stores go through the same resolution, so an identity added to the data map works there too.
 */
export function identityValue(kind: IdentityKind, values: ParamValues): string {
  const [value] = resolveParams([{ ref: kind } as ParamRef], values);
  if (value === null || value === undefined || value === '') throw new Error(`the subject has no ${kind}`);
  return String(value);
}
