// Every table of Adieu, gathered for drizzle. Each feature folder owns its `*.tables.ts`.
export * from '../accounts/accounts.tables.ts';
export * from '../audit/audit.tables.ts';
export * from '../cancellation/cancellation.tables.ts';
export * from '../clock/clock.tables.ts';
export * from '../documents/documents.tables.ts';
export * from '../http/rate-limit.tables.ts';
export * from '../review/review.tables.ts';
export * from '../shop/shop.tables.ts';
export * from '../erasure/erasure.tables.ts';
export * from '../identity/identity.tables.ts';
export * from '../cancellation/freeze/freeze.tables.ts';
