/** What every command's definition gets from cli/main.ts. */
import type { ApiClient } from './api-client.js';
import type { CliIo } from './io.js';

/** A command's outcome: an exit code, or `running` for `meshplane run`, which exits on a signal. */
export type CommandOutcome = number | 'running';

export interface CliContext {
  readonly io: CliIo;
  /** A client for the API URL chosen by the global `--api-url` option. */
  client(apiUrl: string): ApiClient;
  finish(outcome: CommandOutcome): void;
}
