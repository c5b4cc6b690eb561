/**
 * Waits until `probe` returns a value (not undefined), checking again after every short pause, and
 * fails with the last observation once the deadline passes. For conditions in another process
 * that offers no event to wait on; the deadline, not the pause, decides the outcome.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, deadlineMs = 10_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
