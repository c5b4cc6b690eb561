/**
 * Flat-network endpoints: how a zone on a flat network (`--flat-network true`: every zone's proxies
 * can reach every other zone's Dataplanes directly) tells the others where its MeshServices'
 * endpoints are, without sending them its Dataplanes (Kuma never sends Dataplanes to other zones).
 *
 * One internal `FlatEndpoints` record per local MeshService, with the MeshService's name and
 * labels and, per port, the healthy `address:port` pairs its Dataplanes serve it on. It is not a
 * REST kind (like ZoneInsight or LegacyVip): users see their MeshServices exactly as in Kuma, and
 * the endpoints only in the receiving proxies' config. It syncs like a MeshService (zone -> global
 * -> every other zone, hashed to the same name as its MeshService), so a receiving zone finds the
 * record of a synced MeshService under that MeshService's name.
 */
import type { KindDescriptor } from '../core/descriptor.js';
import type { NewResource, Resource } from '../core/resource.js';
import { s } from '../core/schema.js';

export const FLAT_ENDPOINTS_TYPE = 'FlatEndpoints';

export interface FlatEndpoint {
  readonly address: string;
  readonly port: number;
}

export interface FlatEndpointsPort {
  /** The MeshService port number (`spec.ports[].port`). */
  readonly port: number;
  /** Sorted by address, then port. */
  readonly endpoints: readonly FlatEndpoint[];
}

export interface FlatEndpointsSpec {
  /** In the order of the MeshService's ports. */
  readonly ports: readonly FlatEndpointsPort[];
}

export type FlatEndpointsResource = Resource<FlatEndpointsSpec>;

/**
 * The sync reads only `name`, `scope`, `shape`, `nameRule` and `sync` of a descriptor; the rest is
 * filled so the record can travel through the same descriptor-driven rules as a real kind. It is
 * deliberately absent from the registry, so no REST path, CLI name or table ever shows it.
 */
export const flatEndpointsDescriptor: KindDescriptor<FlatEndpointsSpec> = {
  name: FLAT_ENDPOINTS_TYPE,
  shortName: 'flatep',
  scope: 'Mesh',
  plural: 'flatendpoints',
  cli: { singular: 'flatendpoints', plural: 'flatendpoints', aliases: [] },
  shape: 'spec',
  hasStatus: false,
  isPolicy: false,
  isDestination: false,
  // As its MeshService: from its zone to global, and on to every other zone.
  sync: { globalToZones: false, zoneToGlobal: true, zoneToOtherZones: true },
  // The same rule as MeshService, so the synced name is cut exactly like the MeshService's.
  nameRule: 'dns1035',
  specSchema: s.any(),
  validate: () => [],
  columns: [],
};

/** The record a zone publishes for one of its MeshServices. */
export function flatEndpointsRecord(service: Pick<Resource, 'mesh' | 'name' | 'labels'>, ports: readonly FlatEndpointsPort[]): NewResource<FlatEndpointsSpec> {
  return { type: FLAT_ENDPOINTS_TYPE, mesh: service.mesh, name: service.name, labels: { ...service.labels }, spec: { ports } };
}

/** The endpoints of one MeshService port in a record ([] when the port is not listed). */
export function flatEndpointsOfPort(spec: FlatEndpointsSpec | undefined, port: number): readonly FlatEndpoint[] {
  const ports: unknown = spec?.ports;
  if (!Array.isArray(ports)) return [];
  const found = (ports as FlatEndpointsPort[]).find((p) => p?.port === port);
  const endpoints: unknown = found?.endpoints;
  if (!Array.isArray(endpoints)) return [];
  return (endpoints as FlatEndpoint[]).filter((e) => typeof e?.address === 'string' && Number.isInteger(e?.port));
}
