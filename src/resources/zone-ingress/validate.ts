/**
 * ZoneIngress rules, Kuma's wording. Kuma reports bad addresses one level too deep
 * (`networking.advertisedAddress.address`); we report them at the field itself.
 * `availableServices` is written by the control plane, so it is not checked here.
 */
import type { ValidationInput } from '../../core/descriptor.js';
import { PathBuilder, type Violation, ViolationList } from '../../core/violations.js';
import { addressesOverlap, isPort, PORT_RANGE_MESSAGE, proxyAddressErrors } from '../dataplane/network-address.js';
import type { ZoneIngressSpec } from './types.js';

export function validateZoneIngress(input: ValidationInput<ZoneIngressSpec>): Violation[] {
  const out = new ViolationList();
  const net = PathBuilder.of('networking');
  const n = input.spec.networking ?? {};
  const adminPort = n.admin?.port;
  if (adminPort) {
    const onListener = adminPort === n.port && addressesOverlap('127.0.0.1', n.address ?? '');
    const onAdvertised = adminPort === n.advertisedPort && addressesOverlap('127.0.0.1', n.advertisedAddress ?? '');
    if (onListener || onAdvertised) out.at(net.field('admin').field('port'), 'must differ from port');
  }
  if (!n.advertisedAddress && n.advertisedPort) out.at(net.field('advertisedAddress'), 'has to be defined with advertisedPort');
  if (!n.advertisedPort && n.advertisedAddress) out.at(net.field('advertisedPort'), 'has to be defined with advertisedAddress');
  if (n.address) for (const m of proxyAddressErrors(n.address)) out.at(net.field('address'), m);
  if (n.advertisedAddress) for (const m of proxyAddressErrors(n.advertisedAddress)) out.at(net.field('advertisedAddress'), m);
  if (!isPort(n.port)) out.at(net.field('port'), PORT_RANGE_MESSAGE);
  if (n.advertisedPort && !isPort(n.advertisedPort)) out.at(net.field('advertisedPort'), PORT_RANGE_MESSAGE);
  return out.items;
}
