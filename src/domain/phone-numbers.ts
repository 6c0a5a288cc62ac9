import type { CountryCode, PhoneNumber } from 'libphonenumber-js/max';
import { lazyModule } from '../lazy-module.ts';

// Its full metadata takes ~150 ms of CPU to load: on the first phone number, not at every start.
const libphonenumber = lazyModule<typeof import('libphonenumber-js/max')>('libphonenumber-js/max');

/** libphonenumber's parser with full metadata: E.164, or a national number of `region`. */
export function parsePhoneNumber(text: string, region?: CountryCode): PhoneNumber | undefined {
  return libphonenumber().parsePhoneNumberFromString(text, region);
}
