/** What every generator returns: resources for the snapshot, and notes on what it left out and why. */
import type { ResourceInput } from '../snapshot.js';

/** Something a generator skipped or changed, said for `inspect` and logs (never an error). */
export interface GenerationNote {
  /** What the note is about: a destination, endpoint or listener name. */
  readonly subject: string;
  readonly reason: string;
}

export interface Generated {
  readonly resources: readonly ResourceInput[];
  readonly notes: readonly GenerationNote[];
}

export const NOTHING: Generated = { resources: [], notes: [] };

export function concatGenerated(parts: readonly Generated[]): Generated {
  return { resources: parts.flatMap((p) => p.resources), notes: parts.flatMap((p) => p.notes) };
}
