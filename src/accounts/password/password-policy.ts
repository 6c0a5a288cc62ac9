import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { lazyModule } from '../../lazy-module.ts';

// The dictionaries take a third of a second of CPU to load and index: built on the first password.
const zxcvbn = lazyModule<typeof import('@zxcvbn-ts/core')>('@zxcvbn-ts/core');
const language = lazyModule<typeof import('@zxcvbn-ts/language-common')>('@zxcvbn-ts/language-common');
let strength: ZxcvbnFactory | undefined;
function checker(): ZxcvbnFactory {
  const common = language();
  return (strength ??= new (zxcvbn().ZxcvbnFactory)({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs }));
}

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

/**
 * NIST 800-63B: length 12..128, no composition rules, refused when it is a common password or
 * trivially guessable (a common word with a year, a keyboard walk…).
 */
export function isPasswordAcceptable(password: string, context: string[] = []): boolean {
  const length = [...password].length;
  if (length < PASSWORD_MIN || length > PASSWORD_MAX) return false;
  return checker().check(password, context).score >= 3;
}
