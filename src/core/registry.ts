/** The ordered list of every kind Meshplane knows. Adding a kind = a folder + one line here. */
import { dataplaneDescriptor } from '../resources/dataplane/descriptor.js';
import { hostnameGeneratorDescriptor } from '../resources/hostname-generator/descriptor.js';
import { meshDescriptor } from '../resources/mesh/descriptor.js';
import { meshCircuitBreakerDescriptor } from '../resources/mesh-circuit-breaker/descriptor.js';
import { meshHttpRouteDescriptor } from '../resources/mesh-http-route/descriptor.js';
import { meshMultiZoneServiceDescriptor } from '../resources/mesh-multizone-service/descriptor.js';
import { meshRetryDescriptor } from '../resources/mesh-retry/descriptor.js';
import { meshServiceDescriptor } from '../resources/mesh-service/descriptor.js';
import { meshTcpRouteDescriptor } from '../resources/mesh-tcp-route/descriptor.js';
import { meshTimeoutDescriptor } from '../resources/mesh-timeout/descriptor.js';
import { zoneDescriptor } from '../resources/zone/descriptor.js';
import { zoneIngressDescriptor } from '../resources/zone-ingress/descriptor.js';
import type { KindDescriptor } from './descriptor.js';
import { UnknownKindError } from './errors.js';

export const KINDS: readonly KindDescriptor[] = [
  meshDescriptor,
  dataplaneDescriptor,
  meshServiceDescriptor,
  meshMultiZoneServiceDescriptor,
  hostnameGeneratorDescriptor,
  meshHttpRouteDescriptor,
  meshTcpRouteDescriptor,
  meshTimeoutDescriptor,
  meshRetryDescriptor,
  meshCircuitBreakerDescriptor,
  zoneDescriptor,
  zoneIngressDescriptor,
];

const byName = new Map(KINDS.map((k) => [k.name, k]));
const byPlural = new Map(KINDS.map((k) => [k.plural, k]));
const byCliName = new Map<string, KindDescriptor>();
for (const k of KINDS) {
  for (const n of [k.name.toLowerCase(), k.cli.singular, k.cli.plural, ...k.cli.aliases]) byCliName.set(n, k);
}

/** By Kuma type name (`MeshService`); throws UnknownKindError. */
export function kindByName(name: string): KindDescriptor {
  const k = byName.get(name);
  if (!k) throw new UnknownKindError(name);
  return k;
}

export function findKindByName(name: string): KindDescriptor | undefined {
  return byName.get(name);
}

/** By REST path segment (`meshservices`). */
export function findKindByPlural(plural: string): KindDescriptor | undefined {
  return byPlural.get(plural);
}

/** By any CLI spelling: `meshservice`, `meshservices`, `msvc`, `MeshService`. */
export function findKindByCliName(name: string): KindDescriptor | undefined {
  return byCliName.get(name.toLowerCase());
}

export function allKindNames(): string[] {
  return KINDS.map((k) => k.name);
}
