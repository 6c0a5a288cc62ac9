import { useQuery } from '@tanstack/react-query';
import { call } from './typed.ts';

export const DEV_CLOCK_KEY = ['dev', 'clock'] as const;

export interface DevClock {
  now: string;
  /** How far the service clock is ahead of this computer's clock. */
  offsetMs: number;
}

/** The service clock when dev tools are on; `null` in production (the endpoint answers 404). */
export function useDevClock() {
  return useQuery({
    queryKey: DEV_CLOCK_KEY,
    queryFn: async (): Promise<DevClock | null> => {
      try {
        const { now } = await call('get', '/api/dev/clock', { quiet401: true });
        return { now, offsetMs: new Date(now).getTime() - Date.now() };
      } catch {
        return null;
      }
    },
    staleTime: 30_000,
    retry: false,
  });
}

/** "Now" as the service sees it: this computer's time shifted by the dev clock's offset. */
export function useServiceNow(): number {
  const { data } = useDevClock();
  return Date.now() + (data?.offsetMs ?? 0);
}
