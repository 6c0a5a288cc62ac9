import type { Scenario } from '../lib/scenario.ts';

export const bulkScenario: Scenario = {
  name: 'bulk',
  title: 'TODO',
  async skipReason() {
    return 'not written yet';
  },
  async run() {
    return { comparisons: [] };
  },
};
