/**
 * The contract every module in bench/scenarios/ meets, and what bench/run.ts does with it:
 * `run({quick})` measures, and returns a name, table rows and notes (how it was measured, what
 * a figure means, which target it meets or misses). `runCase(params)`, when a scenario has it, is
 * one case run in a child process (see support/child-case.ts).
 */
export interface ScenarioOptions {
  /** Smallest sizes only: every scenario together within 2 minutes. */
  readonly quick: boolean;
}

export type Row = Record<string, string | number>;

export interface ScenarioResult {
  readonly name: string;
  readonly rows: Row[];
  readonly notes: string[];
}

export interface ScenarioModule {
  run(opts: ScenarioOptions): Promise<ScenarioResult>;
}

export function isScenarioModule(m: unknown): m is ScenarioModule {
  return typeof m === 'object' && m !== null && typeof (m as { run?: unknown }).run === 'function';
}
