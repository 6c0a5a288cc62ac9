import type { Config } from '../../config/schema.ts';
import { settingFindings } from '../../config/setting-rules.ts';
import { ok, type CheckResult } from '../check-result.ts';

/** The rules start-up applies (refused in production, warned elsewhere), one line per finding. */
export function checkSettings(config: Config): CheckResult[] {
  const findings = settingFindings(config);
  if (findings.length === 0) return [ok('settings', `nothing unsafe${config.production ? ' (NODE_ENV=production)' : ''}`)];
  return findings.map((f) => ({ check: `setting ${f.key.split(' ')[0]}`, status: f.level, detail: `${f.key}: ${f.problem}`, remedy: f.remedy }));
}
