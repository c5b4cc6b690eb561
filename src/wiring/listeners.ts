/**
 * Pieces of the composition root shared by src/main.ts and the per-mode wiring in this folder:
 * what a running listener is, and how start-up failures become one clear ConfigError.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import { ConfigError } from '../core/errors.js';
import { openStore } from '../store/open-store.js';
import type { ResourceStore } from '../store/store.js';

/** One running part; those with an address become fields of the ready line (`api`, `xds`, ...). */
export interface RunningListener {
  readonly name: 'api' | 'xds' | 'dns' | 'kds' | 'controllers' | 'kds-client' | 'leader-election';
  /** '' for parts that do not listen (controllers, the sync client, leader election). */
  readonly address: string;
  close(): Promise<void>;
}

export function stopOnce(listeners: RunningListener[], store: ResourceStore, logger: Logger): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      for (const l of [...listeners].reverse()) {
        try {
          await l.close();
        } catch (err) {
          logger.error({ err, listener: l.name }, 'could not stop a listener cleanly');
        }
      }
      await store.close();
    })();
    return stopping;
  };
}

export async function openStoreOrExplain(spec: string, clock: Clock): Promise<ResourceStore> {
  try {
    return await openStore(spec, { clock });
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`--store: cannot open ${JSON.stringify(spec)}: ${errorText(err)}`);
  }
}

export async function startOrExplain<T>(flag: string, host: string, port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'EADDRINUSE') throw new ConfigError(`--${flag}: ${host}:${port} is already in use (is another control plane running?)`);
    if (code === 'EADDRNOTAVAIL') throw new ConfigError(`--${flag}: ${host} is not an address of this machine`);
    throw new ConfigError(`--${flag}: cannot listen on ${host}:${port}: ${errorText(err)}`);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Readers of the ready file never see half of it: write a temporary file, then rename. */
export async function writeFileAtomically(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}
