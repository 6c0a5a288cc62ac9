import { ConfigError } from '../config/load.ts';
import { findingLine, settingFindings } from '../config/setting-rules.ts';
import type { Config } from '../config/schema.ts';

/**
 * The setting rules, before anything is opened: in production a finding that is refused stops
 * start-up (one line each, naming the key and what to set); every other finding is a warning.
 */
export function enforceSettingRules(config: Config): void {
  const findings = settingFindings(config);
  const refused = findings.filter((f) => f.level === 'failure');
  if (refused.length > 0) throw new ConfigError(refused.map(findingLine).join('\n'));
  for (const finding of findings) process.stderr.write(`adieu: ${findingLine(finding)}\n`);
}
