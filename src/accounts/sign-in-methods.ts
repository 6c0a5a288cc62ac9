import type { Config } from '../config/schema.ts';

export type SignInMethod = 'password' | 'oidc' | 'handoff';

/** The ways a buyer can sign in, so a client knows which to offer. */
export function signInMethods(config: Config): SignInMethod[] {
  const methods: SignInMethod[] = [];
  if (config.identity.local) methods.push('password');
  if (config.identity.oidc) methods.push('oidc');
  if (config.identity.handoff) methods.push('handoff');
  return methods;
}
