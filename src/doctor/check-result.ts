/** One line of `adieu doctor`: what was checked, how it went, and what to do about it. */
export interface CheckResult {
  check: string;
  status: 'ok' | 'warning' | 'failure';
  detail: string;
  /** What to do; set for warnings and failures. */
  remedy?: string;
}

export const ok = (check: string, detail: string): CheckResult => ({ check, status: 'ok', detail });
export const warning = (check: string, detail: string, remedy: string): CheckResult => ({ check, status: 'warning', detail, remedy });
export const failure = (check: string, detail: string, remedy: string): CheckResult => ({ check, status: 'failure', detail, remedy });

/** Why a connection failed, in words an operator can act on, without echoing a URL (it may hold a password). */
export function connectionError(error: unknown): string {
  const e = error as { code?: string; originalCode?: string; cause?: { code?: string } };
  // nodemailer wraps socket errors as ESOCKET and keeps the system's code as originalCode.
  const code = e?.originalCode ?? e?.cause?.code ?? e?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (nothing listens there)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'ETIMEDOUT':
    case 'ETIMEOUT':
      return 'timed out';
    case '28P01':
    case '28000':
      return 'authentication failed (user or password)';
    case '3D000':
      return 'database does not exist';
    case 'ECONNECTION':
      return 'connection failed';
    case 'EAUTH':
      return 'authentication failed (user or password)';
    default:
      if ((e as Error)?.name === 'TimeoutError' || (e as Error)?.name === 'AbortError') return 'timed out';
      return code ? `error ${code}` : 'failed';
  }
}
