/** RouteConfiguration builders: one virtual host with a catch-all route to one cluster. */
import type { EnvoyObject } from '../../envoy/encode.js';
import { CATCH_ALL_ROUTE_NAME } from '../names.js';

export interface CatchAllRoute {
  readonly name: string;
  readonly virtualHost: string;
  /** `['*']` for sidecars; for proxyless clients exactly the listener names that use it. */
  readonly domains: readonly string[];
  readonly cluster: string;
}

/** Kuma's shape: `validate_clusters: false`, route `prefix: /` named by its match hash. */
export function catchAllRouteConfiguration(r: CatchAllRoute): EnvoyObject {
  return {
    name: r.name,
    validate_clusters: { value: false },
    virtual_hosts: [
      {
        name: r.virtualHost,
        domains: [...r.domains],
        routes: [{ name: CATCH_ALL_ROUTE_NAME, match: { prefix: '/' }, route: { cluster: r.cluster } }],
      },
    ],
  };
}
