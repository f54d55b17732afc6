// The same flow with the engine and as plain function calls (TIDEFLOW_DISABLED=1 does the same
// from the environment): identical results, and no states, cache or tracking in plain mode.
import { configure, engineEvents, flow, task } from '@tideflow/core';

class Stats {
  @task({ cache: true })
  async mean(xs: number[]): Promise<number> {
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  }

  @flow()
  async summary(xs: number[]): Promise<{ mean: number; max: number }> {
    return { mean: await this.mean(xs), max: Math.max(...xs) };
  }
}

let events = 0;
engineEvents.subscribe(() => events++);
const stats = new Stats();
const withEngine = await stats.summary([1, 2, 3, 4]);
console.log(`with the engine: ${JSON.stringify(withEngine)} (${events} engine events)`);

configure({ enabled: false });
events = 0;
const plain = await stats.summary([1, 2, 3, 4]);
console.log(`plain calls:     ${JSON.stringify(plain)} (${events} engine events)`);
console.log(`identical: ${JSON.stringify(plain) === JSON.stringify(withEngine)}`);
