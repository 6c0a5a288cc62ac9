// Every table of Adieu, gathered for drizzle. Each feature folder owns its `*.tables.ts`.
export * from '../accounts/accounts.tables.ts';
export * from '../audit/audit.tables.ts';
export * from '../cancellation/cancellation.tables.ts';
export * from '../clock/clock.tables.ts';
export * from '../http/rate-limit.tables.ts';
