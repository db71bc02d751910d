/**
 * The flake-aware search against plain bisection, on 1,000 seeded simulated searches each (pure:
 * the search cores with a random oracle, no Docker). Prints the table `npm run bench` shows.
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { renderTable, simulate, type SimulationConfig } from './flaky-harness.js';

const SEARCHES = 1000;

/** The tables, also written to $DEPLOYBISECT_SIMULATION_TABLE for `npm run bench`. */
const tables: string[] = [];
function report(table: string): void {
  tables.push(table);
  console.log(table);
  if (process.env.DEPLOYBISECT_SIMULATION_TABLE) writeFileSync(process.env.DEPLOYBISECT_SIMULATION_TABLE, `${tables.join('\n\n')}\n`);
}

describe('flaky deployments, simulated', () => {
  it('with 20% false failures, --flaky names the right culprit in at least 99% of 1,000 searches, with fewer runs than --runs 3', () => {
    const config: SimulationConfig = { searches: SEARCHES, seed: 2026, falseFailure: 0.2 };
    const [plain, runs3, flaky] = (['plain', 'runs3', 'flaky'] as const).map((mode) => simulate(mode, config));
    report(
      renderTable(`20% false failures, no false passes; ${SEARCHES} searches per mode, 10-1,000 commits, half linear, half with merges`, [
        plain!,
        runs3!,
        flaky!,
      ]),
    );
    expect(flaky!.accuracy).toBeGreaterThanOrEqual(0.99);
    expect(flaky!.meanEvaluations).toBeLessThan(runs3!.meanEvaluations);
    // Plain bisection is misled by one false failure for good: reported, and far below.
    expect(plain!.accuracy).toBeLessThan(0.8);
    expect(runs3!.accuracy).toBeLessThan(flaky!.accuracy);
  });

  it('with false passes of bad commits too (20% / 5%), --flaky still reaches 99%', () => {
    const config: SimulationConfig = { searches: SEARCHES, seed: 7, falseFailure: 0.2, falsePass: 0.05 };
    const results = (['plain', 'runs3', 'flaky'] as const).map((mode) => simulate(mode, config));
    report(renderTable(`20% false failures, 5% false passes; ${SEARCHES} searches per mode`, results));
    expect(results[2]!.accuracy).toBeGreaterThanOrEqual(0.99);
  });

  it('on a deployment that never flakes, --flaky is right every time and plain bisection is exact', () => {
    const config: SimulationConfig = { searches: 300, seed: 11, falseFailure: 0 };
    const results = (['plain', 'flaky'] as const).map((mode) => simulate(mode, config));
    report(renderTable('no flakiness; 300 searches per mode', results));
    expect(results[0]!.accuracy).toBe(1);
    expect(results[1]!.accuracy).toBe(1);
  });
});
