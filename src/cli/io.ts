/** The CLI's contact with the outside world, passed in so commands read as plain functions. */
import { readFile } from 'node:fs/promises';

export interface CliIo {
  /** Writes to standard output (text includes its own newlines). */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
  readStdin(): Promise<string>;
  readFile(path: string): Promise<string>;
  readonly env: Readonly<Record<string, string | undefined>>;
  now(): Date;
}

export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
      return Buffer.concat(chunks).toString('utf8');
    },
    readFile: (path) => readFile(path, 'utf8'),
    env: process.env,
    now: () => new Date(),
  };
}
