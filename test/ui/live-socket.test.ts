/** The screens' reconnect backoff: 0.5 s doubling to 5 s, ±20 % jitter, never longer. */
import { expect, it } from 'vitest';
import { MAX_RECONNECT_MS, reconnectDelay } from '../../ui/live-socket.js';

it('doubles from half a second and stops at the cap, with its jitter', () => {
  const middle = () => 0.5;
  expect([0, 1, 2, 3, 4, 5, 12].map((n) => reconnectDelay(n, middle))).toEqual([
    500, 1000, 2000, 4000, 5000, 5000, 5000,
  ]);
  expect(reconnectDelay(0, () => 0)).toBe(400);
  expect(reconnectDelay(9, () => 0.999999)).toBeLessThanOrEqual(MAX_RECONNECT_MS * 1.2);
});
