/**
 * Inbound listeners of a sidecar, as Kuma 2.x names them: `inbound:<address>:<port>` for each
 * inbound that is not `Ignored`, forwarding to the static cluster `localhost:<servicePort>` (the
 * application at `serviceAddress`, default 127.0.0.1, port `servicePort`, default the inbound
 * port). HTTP-like inbounds (`kuma.io/protocol` http, http2, grpc) get an HttpConnectionManager
 * with inline routes (`inbound:<service>`, catch-all to the local cluster); others a TcpProxy.
 * Not for proxyless clients: gRPC's client serves nothing through these.
 */
import { isIP } from 'node:net';
import { PROTOCOL_TAG, SERVICE_TAG } from '../../core/well-known-labels.js';
import { inboundAddressOf, inboundsOf } from '../../resources/dataplane/types.js';
import { TYPE_URL } from '../envoy/type-urls.js';
import type { DataplaneResource, ProxyContext } from '../proxy-context.js';
import { isHttpLike } from './destination-clusters.js';
import { staticCluster } from './envoy-builders/cluster.js';
import { HCM_FILTER_NAME, inlineHttpConnectionManager, socketListener, TCP_PROXY_FILTER_NAME, tcpProxy } from './envoy-builders/listener.js';
import { catchAllRouteConfiguration } from './envoy-builders/route.js';
import type { Generated, GenerationNote } from './generated.js';
import type { ResourceInput } from '../snapshot.js';
import { inboundListenerName, inboundRouteConfigName, localClusterName } from './names.js';

/**
 * By Dataplane object: the cache hands out one frozen object per version, and a proxy's inbounds
 * depend on nothing else, so an unchanged Dataplane's proxy reuses its objects (and their
 * encodings) when a change elsewhere regenerates it.
 */
const byDataplane = new WeakMap<object, Generated>();

export function inboundResources(ctx: ProxyContext): Generated {
  const known = byDataplane.get(ctx.dataplane);
  if (known !== undefined) return known;
  const generated = buildInbounds(ctx.dataplane);
  byDataplane.set(ctx.dataplane, generated);
  return generated;
}

function buildInbounds(dataplane: DataplaneResource): Generated {
  const spec = dataplane.spec;
  const bindToPort = !(spec.networking?.transparentProxying?.redirectPortInbound ?? 0);
  const resources: ResourceInput[] = [];
  const notes: GenerationNote[] = [];
  for (const inbound of inboundsOf(spec)) {
    if (inbound.state === 'Ignored' || inbound.port === undefined) continue;
    const address = inboundAddressOf(spec, inbound);
    const name = inboundListenerName(address, inbound.port);
    const servicePort = inbound.servicePort ?? inbound.port;
    const serviceAddress = inbound.serviceAddress || '127.0.0.1';
    if (isIP(serviceAddress) === 0) {
      notes.push({ subject: name, reason: `serviceAddress '${serviceAddress}' is not an IP literal; a static cluster needs one, so the inbound is left out` });
      continue;
    }
    const cluster = localClusterName(servicePort);
    const protocol = inbound.tags?.[PROTOCOL_TAG] || inbound.protocol || 'tcp';
    const service = inbound.tags?.[SERVICE_TAG] ?? '';
    const routes = catchAllRouteConfiguration({ name: inboundRouteConfigName(service || name), virtualHost: service || cluster, domains: ['*'], cluster });
    const filter = isHttpLike(protocol)
      ? { name: HCM_FILTER_NAME, typedConfig: inlineHttpConnectionManager(routes, cluster) }
      : { name: TCP_PROXY_FILTER_NAME, typedConfig: tcpProxy(cluster, cluster) };
    resources.push({
      typeUrl: TYPE_URL.listener,
      resource: socketListener({ name, address, port: inbound.port, direction: 'INBOUND', bindToPort, tags: inbound.tags ?? {} }, filter),
    });
    resources.push({ typeUrl: TYPE_URL.cluster, resource: staticCluster(cluster, serviceAddress, servicePort) });
  }
  return { resources, notes };
}
