/** Dataplane outbounds and reachable backends (traffic doc 2.4), in Kuma's wording. */
import type { PathBuilder, ViolationList } from '../../core/violations.js';
import { isIpAddress, isPort, PORT_RANGE_MESSAGE } from './network-address.js';
import { BACKEND_KINDS, type Outbound, type TransparentProxying } from './types.js';
import { checkTags } from './validate-tags.js';

const KIND_MESSAGE = `invalid value. Available values are: ${BACKEND_KINDS.join(',')}`;
const RFC1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAME_MESSAGE =
  "invalid characters. A lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

const isBackendKind = (kind: string | undefined): boolean => (BACKEND_KINDS as readonly (string | undefined)[]).includes(kind);
const hasEntries = (m: object | undefined): boolean => m !== undefined && Object.keys(m).length > 0;

export function checkOutbound(outbound: Outbound, at: PathBuilder, out: ViolationList): void {
  if (!isPort(outbound.port)) out.at(at.field('port'), PORT_RANGE_MESSAGE);
  if (outbound.address && !isIpAddress(outbound.address)) out.at(at.field('address'), 'address has to be valid IP address');
  const ref = outbound.backendRef;
  const tags = outbound.tags ?? {};
  if (ref) {
    if (!isBackendKind(ref.kind)) out.at(at.field('backendRef').field('kind'), KIND_MESSAGE);
    if (!ref.name && !hasEntries(ref.labels)) out.at(at.field('backendRef'), "either 'name' or 'labels' should be specified");
    // A MeshExternalService's port comes from its endpoints, so it needs none here.
    if (ref.kind !== 'MeshExternalService' && !isPort(ref.port)) out.at(at.field('backendRef').field('port'), PORT_RANGE_MESSAGE);
  } else if (!hasEntries(tags)) {
    out.at(at.field('tags'), 'mandatory tag "kuma.io/service" is missing');
  } else {
    checkTags(at.field('tags'), tags, out, { requireService: true });
  }
  if (ref && hasEntries(tags)) out.at(at.field('backendRef'), 'both backendRef and tags/service cannot be defined');
}

/**
 * `reachableBackends.refs`: a ref names one backend (name, optionally namespace) or selects by
 * labels, never both. Kuma reports these under the misspelt `networking.transparentProxing`;
 * the field is `transparentProxying`, and so is our path.
 */
export function checkReachableBackends(tp: TransparentProxying | undefined, at: PathBuilder, out: ViolationList): void {
  const refs = tp?.reachableBackends?.refs ?? [];
  refs.forEach((ref, i) => {
    const path = at.field('reachableBackends').field('refs').index(i);
    if (!isBackendKind(ref.kind)) out.at(path.field('kind'), KIND_MESSAGE);
    if (ref.name) {
      if (ref.name.length > 253) out.at(path.field('name'), 'value length must less or equal 253');
      else if (!RFC1123_SUBDOMAIN.test(ref.name)) out.at(path.field('name'), NAME_MESSAGE);
    }
    if (!ref.name && !ref.namespace && !hasEntries(ref.labels)) out.at(path.field('name'), 'name or labels are required');
    if (!ref.name && ref.namespace) out.at(path.field('name'), 'name is required, when namespace is defined');
    if ((ref.name || ref.namespace) && hasEntries(ref.labels)) out.at(path.field('labels'), 'labels cannot be defined when name is specified');
    if (ref.port !== undefined && !isPort(ref.port)) out.at(path.field('port'), PORT_RANGE_MESSAGE);
  });
}
