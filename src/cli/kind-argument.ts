/** The KIND argument of `get` and `delete`: any spelling the registry knows (`msvc`, `meshservices`). */
import type { KindDescriptor } from '../core/descriptor.js';
import { KINDS } from '../core/registry.js';

export function unknownKindMessage(given: string): string {
  return `Error: unknown kind ${JSON.stringify(given)}; use one of: ${KINDS.map((k) => k.cli.plural).join(', ')}\n`;
}

/** How error lines name one resource: `MeshService "redis" in mesh "default"`, `Zone "zone-1"`. */
export function describeTarget(kind: KindDescriptor, mesh: string, name: string): string {
  return kind.scope === 'Mesh' ? `${kind.name} ${JSON.stringify(name)} in mesh ${JSON.stringify(mesh)}` : `${kind.name} ${JSON.stringify(name)}`;
}
