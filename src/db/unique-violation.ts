/** Whether a database error is a unique violation (optionally of one constraint), on either driver. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  for (let e: any = error; e; e = e.cause) {
    if (e.code === '23505') return !constraint || e.constraint === constraint || String(e.message ?? '').includes(constraint);
  }
  return false;
}
