import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';

const strength = new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

/**
 * NIST 800-63B: length 12..128, no composition rules, refused when it is a common password or
 * trivially guessable (a common word with a year, a keyboard walk…).
 */
export function isPasswordAcceptable(password: string, context: string[] = []): boolean {
  const length = [...password].length;
  if (length < PASSWORD_MIN || length > PASSWORD_MAX) return false;
  return strength.check(password, context).score >= 3;
}
