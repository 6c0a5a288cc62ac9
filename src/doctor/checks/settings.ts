import type { Config } from '../../config/schema.ts';
import { settingFindings } from '../../config/setting-rules.ts';
import { ok, warning, type CheckResult } from '../check-result.ts';

/**
 * The rules start-up applies (refused in production, warned elsewhere), one line per finding.
 * Outside production a refusal is only a warning, so doctor says so: a deploy gate run without
 * NODE_ENV=production would pass what the servers will refuse.
 */
export function checkSettings(config: Config): CheckResult[] {
  const findings = settingFindings(config);
  const lines: CheckResult[] = findings.map((f) => ({ check: `setting ${f.key.split(' ')[0]}`, status: f.level, detail: `${f.key}: ${f.problem}`, remedy: f.remedy }));
  if (!config.production) {
    const detail = `NODE_ENV is not production: ${findings.length === 0 ? 'nothing unsafe found, but a' : 'a'} setting a production server refuses is only a warning here`;
    return [warning('settings', detail, 'run doctor with NODE_ENV=production, as the servers run'), ...lines];
  }
  return lines.length > 0 ? lines : [ok('settings', 'nothing unsafe (NODE_ENV=production)')];
}
