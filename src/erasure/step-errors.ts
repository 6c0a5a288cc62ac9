/** The scan found the subject's data: the run fails at once (retrying cannot help), for an admin. */
export class VerificationFailed extends Error {}

/**
 * A failure as an admin may read it: the SQLSTATE and the table, column or constraint named by
 * the database, or our own message — never a driver's message, which can quote the failed query's
 * parameters (identifiers, keys) or a value from a row.
 */
export function describeError(error: unknown): string {
  if (error instanceof VerificationFailed) return error.message;
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const e = current as { code?: unknown; table?: unknown; column?: unknown; constraint?: unknown; schema?: unknown; cause?: unknown };
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
      const where = [e.schema && e.table ? `table ${String(e.schema)}.${String(e.table)}` : e.table ? `table ${String(e.table)}` : null, e.column ? `column ${String(e.column)}` : null, e.constraint ? `constraint ${String(e.constraint)}` : null]
        .filter(Boolean)
        .join(', ');
      return `database error SQLSTATE ${e.code}${where ? ` (${where})` : ''}`;
    }
    current = e.cause;
  }
  if (error instanceof Error) {
    if (/failed query|params:/i.test(error.message)) return `${error.name}: a database statement failed`;
    if (error.name === 'KeyDestroyedError') return 'a key needed by this step was destroyed';
    return `${error.name}: ${error.message.slice(0, 300)}`;
  }
  return 'unknown error';
}
