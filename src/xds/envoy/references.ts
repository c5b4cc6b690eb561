/**
 * Which other xDS resources a resource depends on by name: a Listener's HttpConnectionManagers
 * name RouteConfigurations (RDS), an EDS Cluster names its ClusterLoadAssignment. Reads the plain
 * objects (nested Any in `{'@type': ...}` form), before encoding.
 */
import type { EnvoyObject } from './encode.js';
import { EMBEDDED_TYPE_URL } from './type-urls.js';

function asObject(value: unknown): EnvoyObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as EnvoyObject) : undefined;
}

function asList(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function rdsNameOfHcm(config: unknown): string | undefined {
  const hcm = asObject(config);
  if (hcm?.['@type'] !== EMBEDDED_TYPE_URL.httpConnectionManager) return undefined;
  const name = asObject(hcm.rds)?.route_config_name;
  return typeof name === 'string' ? name : undefined;
}

/** Route configuration names a Listener loads over RDS (api_listener and network filter chains). */
export function routeConfigNamesOf(listener: EnvoyObject): string[] {
  const configs: unknown[] = [asObject(listener.api_listener)?.api_listener];
  const chains = [...asList(listener.filter_chains), listener.default_filter_chain];
  for (const chain of chains) {
    for (const filter of asList(asObject(chain)?.filters)) configs.push(asObject(filter)?.typed_config);
  }
  const names = configs.map(rdsNameOfHcm).filter((n): n is string => n !== undefined);
  return [...new Set(names)];
}

/** The ClusterLoadAssignment name an EDS Cluster needs (its eds service_name, else its own name); undefined otherwise. */
export function endpointsNameOf(cluster: EnvoyObject): string | undefined {
  if (cluster.type !== 'EDS' && cluster.type !== 3) return undefined;
  const serviceName = asObject(cluster.eds_cluster_config)?.service_name;
  if (typeof serviceName === 'string' && serviceName !== '') return serviceName;
  return typeof cluster.name === 'string' ? cluster.name : undefined;
}
