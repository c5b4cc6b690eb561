/** Kuma's tag rules for Dataplane inbounds, outbounds and gateways, in Kuma's wording. */
import type { PathBuilder, ViolationList } from '../../core/violations.js';
import { PROTOCOL_TAG, SERVICE_TAG } from '../../core/well-known-labels.js';
import type { Tags } from './types.js';

const TAG_NAME = /^[a-zA-Z0-9.\-_:/]*$/;
const TAG_VALUE = /^[a-zA-Z0-9.\-_:]*$/;

/** Listed in messages. Kuma also accepts `tls` (case-insensitively, like the rest) without listing it. */
export const SUPPORTED_PROTOCOLS = ['grpc', 'http', 'http2', 'kafka', 'tcp'] as const;
const ACCEPTED_PROTOCOLS = new Set<string>([...SUPPORTED_PROTOCOLS, 'tls']);

export function isKnownProtocol(value: string): boolean {
  return ACCEPTED_PROTOCOLS.has(value.toLowerCase());
}

export const ALLOWED_PROTOCOLS_HINT = `Allowed values: ${SUPPORTED_PROTOCOLS.join(', ')}`;

export interface TagRules {
  readonly requireService?: boolean;
  /** Checks over the whole map, run before the per-tag checks (as Kuma does). */
  readonly extra?: (path: PathBuilder, tags: Tags, out: ViolationList) => void;
}

export function checkTags(path: PathBuilder, tags: Tags, out: ViolationList, rules: TagRules = {}): void {
  rules.extra?.(path, tags, out);
  for (const key of Object.keys(tags).sort()) {
    if (key === '') out.at(path, 'tag name must be non-empty');
    if (!TAG_NAME.test(key)) out.at(path.key(key), 'tag name must consist of alphanumeric characters, dots, dashes, slashes and underscores');
    const value = tags[key] ?? '';
    if (value === '') out.at(path.key(key), 'tag value must be non-empty');
    if (!TAG_VALUE.test(value)) out.at(path.key(key), 'tag value must consist of alphanumeric characters, dots, dashes and underscores');
  }
  if (rules.requireService && !Object.hasOwn(tags, SERVICE_TAG)) out.at(path, `mandatory tag "${SERVICE_TAG}" is missing`);
}

/** Inbound tags: a `kuma.io/protocol` tag must name a protocol Kuma knows. */
export function inboundProtocolRule(path: PathBuilder, tags: Tags, out: ViolationList): void {
  const value = tags[PROTOCOL_TAG];
  if (value !== undefined && !isKnownProtocol(value)) {
    out.at(path.key(PROTOCOL_TAG), `tag "${PROTOCOL_TAG}" has an invalid value ${JSON.stringify(value)}. ${ALLOWED_PROTOCOLS_HINT}`);
  }
}

/** Gateway tags: a delegated gateway proxies TCP only. */
export function gatewayProtocolRule(path: PathBuilder, tags: Tags, out: ViolationList): void {
  const value = tags[PROTOCOL_TAG];
  if (value !== undefined && value.toLowerCase() !== 'tcp') {
    out.at(path.key(PROTOCOL_TAG), `other values than tcp are not allowed, provided value ${JSON.stringify(value)}`);
  }
}
