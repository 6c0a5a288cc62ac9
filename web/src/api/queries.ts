import { negotiateLocale } from '../../../src/domain/locales.ts';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { isApiError } from './client.ts';
import { call } from './typed.ts';
import type { Application } from './types.ts';

export const keys = {
  account: ['account'] as const,
  sessions: ['account', 'sessions'] as const,
  overview: ['shop', 'overview'] as const,
  application: ['cancellation'] as const,
  eligibility: ['cancellation', 'eligibility'] as const,
  messages: ['cancellation', 'messages'] as const,
};

/** `null` when the endpoint is not there (yet): pages show a calm empty state instead of an error. */
async function optional<T>(request: Promise<T>): Promise<T | null> {
  try {
    return await request;
  } catch (error) {
    if (isApiError(error) && (error.status === 404 || error.status === 405) && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

export const useAccount = () => useQuery({ queryKey: keys.account, queryFn: () => call('get', '/api/account') });

export const useSessions = () => useQuery({ queryKey: keys.sessions, queryFn: () => call('get', '/api/account/sessions') });

export const useShopOverview = () => useQuery({ queryKey: keys.overview, queryFn: () => optional(call('get', '/api/shop/overview')) });

export const useMyApplication = () =>
  useQuery({
    queryKey: keys.application,
    queryFn: async () => (await optional(call('get', '/api/cancellation')))?.application ?? null,
  });

/** Eligibility, its sentences in the page's language. */
export function useEligibility(enabled = true) {
  const { i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  return useQuery({
    queryKey: [...keys.eligibility, language],
    queryFn: () => call('get', '/api/cancellation/eligibility', { query: { locale: negotiateLocale(language) } }),
    enabled,
    staleTime: 0,
  });
}

export const useMessages = (enabled = true) =>
  useQuery({
    queryKey: keys.messages,
    queryFn: async () => {
      const answer = await optional(call('get', '/api/cancellation/messages'));
      return answer ? answer.items : null;
    },
    enabled,
    refetchInterval: 30_000,
  });

/** Statuses in which a request is still open (not finished, rejected or withdrawn). */
export const OPEN_STATUSES = ['submitted', 'in_review', 'needs_info', 'approved', 'grace', 'erasing'] as const;
export const isOpen = (application: Application | null | undefined) =>
  !!application && (OPEN_STATUSES as readonly string[]).includes(application.status);
