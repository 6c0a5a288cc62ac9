import type { Scenario } from '../lib/scenario.ts';

export const erasureScenario: Scenario = {
  name: 'erasure',
  title: 'TODO',
  async skipReason() {
    return 'not written yet';
  },
  async run() {
    return { comparisons: [] };
  },
};
