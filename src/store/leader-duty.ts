/**
 * Runs a piece of work only while this instance leads: started when leadership is gained (at once
 * if it leads already), stopped when it is lost. Starts and stops run one at a time, in order. Any
 * loss ends the running work, even if leadership is back by the time the stop runs (another
 * instance may have led meanwhile, so the work starts afresh); a burst of changes during a slow
 * start or stop ends in one start for the latest state, never in two copies running.
 */
import type { LeaderElector } from './store.js';

/** What a started duty hands back. */
export interface RunningDuty {
  stop(): Promise<void>;
}

export interface LeaderDuty {
  /** Resolves once the work matches the current leadership (running while leading, else stopped). */
  settled(): Promise<void>;
  /** Stops following leadership, and stops the work if it runs. */
  close(): Promise<void>;
}

export function whileLeader(
  elector: LeaderElector,
  start: () => Promise<RunningDuty> | RunningDuty,
  onError: (err: unknown, during: 'start' | 'stop') => void,
): LeaderDuty {
  let running: RunningDuty | undefined;
  let closed = false;
  /** Leadership was lost since the running work started: it must stop even if leading again. */
  let stale = false;
  /** The last start failed: the next try comes with the next gain of leadership. */
  let failed = false;
  let chain: Promise<void> = Promise.resolve();

  const step = async (): Promise<void> => {
    if (running !== undefined && (stale || closed || !elector.isLeader())) {
      const current = running;
      running = undefined;
      try {
        await current.stop();
      } catch (err) {
        onError(err, 'stop');
      }
    }
    if (running === undefined && !closed && !failed && elector.isLeader()) {
      stale = false;
      try {
        running = await start();
      } catch (err) {
        failed = true;
        onError(err, 'start');
      }
    }
  };
  const follow = (): Promise<void> => (chain = chain.then(step));
  const unsubscribe = elector.onChange((leading) => {
    if (!leading) {
      stale = true;
      failed = false;
    }
    void follow();
  });
  void follow();

  return {
    async settled() {
      for (let seen = chain; ; seen = chain) {
        await seen;
        if (seen === chain) return;
      }
    },
    async close() {
      closed = true;
      unsubscribe();
      await follow();
    },
  };
}
