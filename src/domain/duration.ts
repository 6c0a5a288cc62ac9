const ISO_DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Milliseconds of an ISO 8601 duration of weeks, days, hours, minutes, seconds (`P16D`, `PT2H30M`). */
export function parseDuration(text: string): number | null {
  const match = ISO_DURATION.exec(text.trim().toUpperCase());
  if (!match || text.trim().toUpperCase() === 'P' || /T$/.test(text.trim().toUpperCase())) return null;
  const [, w, d, h, m, s] = match;
  const ms = (((Number(w ?? 0) * 7 + Number(d ?? 0)) * 24 + Number(h ?? 0)) * 60 + Number(m ?? 0)) * 60_000 + Number(s ?? 0) * 1000;
  return Number.isFinite(ms) ? ms : null;
}
