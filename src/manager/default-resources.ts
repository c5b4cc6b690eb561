/**
 * Resources Kuma creates when a control plane starts (semantics 5.4): each is created only when
 * nothing of that name exists, and never updated afterwards, so users may change or delete them.
 */
import type { Logger } from 'pino';
import { admit, type AdmissionContext } from '../core/admission.js';
import { ResourceAlreadyExistsError } from '../core/errors.js';
import { kindByName } from '../core/registry.js';
import type { DefaultHostnameGenerator } from '../resources/hostname-generator/defaults.js';
import type { ResourceStore } from '../store/store.js';

export async function createDefaultHostnameGenerators(
  store: ResourceStore,
  defaults: readonly DefaultHostnameGenerator[],
  admission: AdmissionContext,
  logger: Logger,
): Promise<void> {
  const kind = kindByName('HostnameGenerator');
  for (const g of defaults) {
    if (await store.get({ type: kind.name, mesh: '', name: g.name })) continue;
    const { resource } = admit({ kind, name: g.name, mesh: '', labels: g.labels, body: g.spec }, admission);
    try {
      await store.create(resource);
      logger.info({ hostnameGenerator: g.name }, 'default HostnameGenerator created');
    } catch (err) {
      if (!(err instanceof ResourceAlreadyExistsError)) throw err;
    }
  }
}
