/**
 * Dataplane rules: Kuma 2.x's (2.9 era: every inbound needs `kuma.io/service`, a Dataplane needs
 * an inbound or a gateway), in Kuma's wording, plus ours: no two inbounds on one address and port,
 * no two inbounds with one name (MeshService `targetPort` names must be unambiguous).
 */
import type { ValidationInput } from '../../core/descriptor.js';
import { msg, PathBuilder, type Violation, ViolationList } from '../../core/violations.js';
import { SERVICE_TAG } from '../../core/well-known-labels.js';
import { addressesOverlap, isDnsName, isIpAddress, isPort, PORT_RANGE_MESSAGE, proxyAddressErrors } from './network-address.js';
import { type DataplaneSpec, type Inbound, inboundAddressOf, type Networking } from './types.js';
import { checkOutbound, checkReachableBackends } from './validate-outbound.js';
import { ALLOWED_PROTOCOLS_HINT, checkTags, gatewayProtocolRule, inboundProtocolRule, isKnownProtocol } from './validate-tags.js';

const LOOPBACK = '127.0.0.1';

export function validateDataplane(input: ValidationInput<DataplaneSpec>): Violation[] {
  const out = new ViolationList();
  const net = PathBuilder.of('networking');
  const networking = input.spec.networking;
  if (!networking) {
    out.at(net, msg.required);
    return out.items;
  }
  checkAdminPort(input.spec, net, out);
  const inbounds = networking.inbound ?? [];
  const gateway = networking.gateway;
  if (gateway) {
    const kind = gateway.type === 'BUILTIN' ? 'builtin' : 'delegated';
    if (inbounds.length > 0) out.at(net.field('inbound'), `inbound cannot be defined for ${kind} gateways`);
    if (kind === 'builtin' && (networking.outbound ?? []).length > 0) out.at(net.field('outbound'), 'outbound cannot be defined for builtin gateways');
    if (kind === 'builtin' && input.spec.probes !== undefined) out.at('probes', 'probes cannot be defined for builtin gateways');
    checkTags(net.field('gateway').field('tags'), gateway.tags ?? {}, out, { requireService: true, extra: gatewayProtocolRule });
  } else if (inbounds.length === 0) {
    out.at(net, 'has to contain at least one inbound interface or gateway');
  }
  checkNetworking(input.spec, networking, net, out);
  return out.items;
}

function checkAdminPort(spec: DataplaneSpec, net: PathBuilder, out: ViolationList): void {
  const port = spec.networking?.admin?.port;
  if (port === undefined) return;
  const at = net.field('admin').field('port');
  const usedByInbound = (spec.networking?.inbound ?? []).some((i) => {
    const address = inboundAddressOf(spec, i);
    const workloadPort = i.servicePort || i.port;
    return (port === i.port && addressesOverlap(LOOPBACK, address)) || (port === workloadPort && addressesOverlap(LOOPBACK, i.serviceAddress || address));
  });
  if (usedByInbound) out.at(at, 'must differ from inbound');
  const usedByOutbound = (spec.networking?.outbound ?? []).some((o) => port === o.port && addressesOverlap(LOOPBACK, o.address || LOOPBACK));
  if (usedByOutbound) out.at(at, 'must differ from outbound');
}

function checkNetworking(spec: DataplaneSpec, networking: Networking, net: PathBuilder, out: ViolationList): void {
  for (const m of proxyAddressErrors(networking.address)) out.at(net.field('address'), m);
  const advertised = networking.advertisedAddress;
  if (advertised && !isIpAddress(advertised) && !isDnsName(advertised)) {
    out.at(net.field('advertisedAddress'), 'advertisedAddress has to be valid IP address or domain name');
  }
  const ports = new Map<string, string>();
  const names = new Map<string, string>();
  (networking.inbound ?? []).forEach((inbound, i) => {
    const at = net.field('inbound').index(i);
    checkInbound(inbound, networking.address ?? '', at, out);
    if (!Object.hasOwn(inbound.tags ?? {}, SERVICE_TAG)) out.at(at.field('tags').key(SERVICE_TAG), 'tag has to exist');
    const key = `${inboundAddressOf(spec, inbound)}:${inbound.port}`;
    const firstPort = ports.get(key);
    if (inbound.port !== undefined && firstPort) out.at(at.field('port'), msg.duplicate('inbound port', inbound.port, firstPort));
    else if (inbound.port !== undefined) ports.set(key, String(at));
    const firstName = inbound.name ? names.get(inbound.name) : undefined;
    if (inbound.name && firstName) out.at(at.field('name'), msg.duplicate('inbound name', inbound.name, firstName));
    else if (inbound.name) names.set(inbound.name, String(at));
  });
  (networking.outbound ?? []).forEach((o, i) => checkOutbound(o, net.field('outbound').index(i), out));
  checkReachableBackends(networking.transparentProxying, net.field('transparentProxying'), out);
}

function checkInbound(inbound: Inbound, dpAddress: string, at: PathBuilder, out: ViolationList): void {
  if (!isPort(inbound.port)) out.at(at.field('port'), PORT_RANGE_MESSAGE);
  if (inbound.servicePort && !isPort(inbound.servicePort)) out.at(at.field('servicePort'), PORT_RANGE_MESSAGE);
  const sameEndpoint = !inbound.servicePort || inbound.servicePort === inbound.port;
  const clash = 'serviceAddress and servicePort has to differ from address and port';
  if (inbound.serviceAddress) {
    if (!isIpAddress(inbound.serviceAddress)) out.at(at.field('serviceAddress'), 'serviceAddress has to be valid IP address');
    if (inbound.serviceAddress === dpAddress && sameEndpoint) out.at(at.field('serviceAddress'), clash);
  }
  if (inbound.address) {
    if (!isIpAddress(inbound.address)) out.at(at.field('address'), 'address has to be valid IP address');
    if (inbound.address === inbound.serviceAddress && sameEndpoint) out.at(at.field('serviceAddress'), clash);
  }
  checkTags(at.field('tags'), inbound.tags ?? {}, out, { extra: inboundProtocolRule });
  if (inbound.protocol && !isKnownProtocol(inbound.protocol)) {
    out.at(at.field('protocol'), `has an invalid value ${JSON.stringify(inbound.protocol)}. ${ALLOWED_PROTOCOLS_HINT}`);
  }
}
