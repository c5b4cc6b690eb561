/**
 * ZoneIngress: the proxy that lets other zones reach this zone's services. Flat, global scope (as
 * in Kuma). `availableServices` is computed by the zone control plane and kept as given.
 */
export interface ZoneIngressNetworking {
  readonly address?: string;
  readonly advertisedAddress?: string;
  readonly port?: number;
  readonly advertisedPort?: number;
  readonly admin?: { readonly port?: number };
}

export interface ZoneIngressSpec {
  readonly zone?: string;
  readonly networking?: ZoneIngressNetworking;
  readonly availableServices?: unknown;
}

/** `host:port`, or '' when the part is missing. */
export function endpointOf(address: string | undefined, port: number | undefined): string {
  return address && port ? `${address}:${port}` : '';
}
