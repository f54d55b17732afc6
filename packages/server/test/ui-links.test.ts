import { describe, expect, it } from 'vitest';
import { linkExpiresSoon } from '../ui/src/links.js';

describe("the UI's signed links", () => {
  const now = 1_800_000_000_000;
  it('is stale when its exp is past or within the margin', () => {
    expect(linkExpiresSoon(`/api/flow-runs/r1/report?exp=${now - 1}&sig=abc`, 60_000, now)).toBe(
      true,
    );
    expect(linkExpiresSoon(`/api/flow-runs/r1/report?exp=${now + 30_000}&sig=a`, 60_000, now)).toBe(
      true,
    );
  });
  it('is fresh when exp is further ahead, or absent (a server without a token)', () => {
    expect(
      linkExpiresSoon(`/api/flow-runs/r1/report?exp=${now + 600_000}&sig=a`, 60_000, now),
    ).toBe(false);
    expect(linkExpiresSoon('/api/flow-runs/r1/report', 60_000, now)).toBe(false);
  });
});
