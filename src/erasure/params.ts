import type { ParamRef } from '../domain/erasure-sql.ts';
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
