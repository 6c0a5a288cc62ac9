import type { Role } from '../accounts/accounts.tables.ts';

/** The demo people of API.md. */
export interface DemoAccount {
  key: 'ada' | 'ben' | 'cai' | 'reviewer' | 'admin';
  email: string;
  phone?: string;
  password: string;
  displayName: string;
  roles: Role[];
  locale: 'en' | 'zh-CN';
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { key: 'ada', email: 'ada@example.com', phone: '+8613800000001', password: 'demo-password-1', displayName: 'Ada Lovelace', roles: ['buyer'], locale: 'en' },
  { key: 'ben', email: 'ben@example.com', password: 'demo-password-1', displayName: 'Ben Zhang', roles: ['buyer'], locale: 'en' },
  { key: 'cai', email: 'cai@example.com', password: 'demo-password-1', displayName: 'Cai Wen', roles: ['buyer'], locale: 'zh-CN' },
  { key: 'reviewer', email: 'reviewer@example.com', password: 'demo-reviewer-1', displayName: 'Rita Reviewer', roles: ['reviewer'], locale: 'en' },
  { key: 'admin', email: 'admin@example.com', password: 'demo-admin-1', displayName: 'Alex Admin', roles: ['admin', 'reviewer'], locale: 'en' },
];
