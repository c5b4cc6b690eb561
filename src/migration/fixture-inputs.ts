/**
 * For tests: the store of a control plane built from YAML as users write it, through the real
 * admission and the real multi-zone sync rules. A fixture folder holds `global.yaml` (what global
 * created) and one `<zone>.yaml` per zone (what that zone created, status as written); global's
 * store is then its own resources plus every zone's as the zone would send them (hash-suffixed
 * names, origin labels, status kept). Without `global.yaml`, the single `<zone>.yaml` is a
 * standalone zone's store.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { AdmissionContext } from '../core/admission.js';
import type { Resource } from '../core/resource.js';
import { toGlobal } from '../kds/sync-rules.js';
import { resourcesFromYaml } from '../xds/generators/input-fixtures.js';
import type { MigrationInputs } from './federation.js';

const zoneAdmission = (zone: string): AdmissionContext => ({ mode: 'zone', zone, environment: 'universal' });
const GLOBAL: AdmissionContext = { mode: 'global', zone: '', environment: 'universal' };

export function inputsFromFixture(dir: string, mesh: string, now: Date): MigrationInputs {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
  const zones = files.filter((f) => f !== 'global.yaml').map((f) => basename(f, '.yaml'));
  if (!files.includes('global.yaml')) {
    const zone = zones[0] ?? 'default';
    return { mesh, site: { kind: 'standalone', zone }, resources: resourcesFromYaml(read(`${zone}.yaml`), zoneAdmission(zone)), now };
  }
  const resources: Resource[] = resourcesFromYaml(read('global.yaml'), GLOBAL);
  for (const zone of zones) {
    for (const r of resourcesFromYaml(read(`${zone}.yaml`), zoneAdmission(zone))) {
      const sent = toGlobal(r, zone);
      if (sent.action === 'send') resources.push({ ...sent.resource, creationTime: r.creationTime, modificationTime: r.modificationTime, version: 1 });
    }
  }
  return { mesh, site: { kind: 'global' }, resources, now };
}
