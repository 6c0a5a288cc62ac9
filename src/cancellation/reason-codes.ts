/** Why a buyer leaves (API.md `reasonCode` of POST /api/cancellation). */
export const BUYER_REASON_CODES = ['NO_LONGER_USE', 'PRIVACY_CONCERN', 'TOO_MANY_EMAILS', 'BAD_EXPERIENCE', 'DUPLICATE_ACCOUNT', 'OTHER'] as const;
export type BuyerReasonCode = (typeof BUYER_REASON_CODES)[number];

/** Longest free-text reason or message a buyer or reviewer may write. */
export const FREE_TEXT_MAX = 2000;
