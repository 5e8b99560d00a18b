/**
 * When an order looks for its document again after a create whose outcome is unknown: soon at first
 * (most lost answers belong to documents relBase already holds), then less and less often, and one
 * last look exactly when the settle window ends, after which a create may be sent again.
 * Pure and deterministic: the workflow computes it from its own clock.
 */

/** Waits between looks after the first one: 10 s, 20 s, 40 s, then every 60 s. */
const STEPS_MS = [10_000, 20_000, 40_000];
const THEN_EVERY_MS = 60_000;

/**
 * The waits before each further look, given how long until the settle window ends. Their sum is that
 * time exactly (the last wait is shortened), so the last look falls on the window's end; none when
 * the window has already ended.
 */
export function settleLookDelays(msUntilSettled: number): number[] {
  const delays: number[] = [];
  let left = Math.ceil(msUntilSettled);
  for (let i = 0; left > 0; i++) {
    const step = Math.min(STEPS_MS[i] ?? THEN_EVERY_MS, left);
    delays.push(step);
    left -= step;
  }
  return delays;
}
