/**
 * MeshRetry rules beyond the schema (Kuma 2.x). Kuma reports the conf rules under a
 * `default.conf.` path that does not exist in the document; Meshplane reports the real field
 * (`spec.to[0].default.http.backOff`), with Kuma's messages.
 */
import type { ValidationInput } from '../../core/descriptor.js';
import { msg, PathBuilder, type Violation, ViolationList } from '../../core/violations.js';
import { validateHeaderMatches } from '../shared/header-match.js';
import { durationMs } from '../../core/duration.js';
import { type TargetRefKind, validateTargetRef } from '../shared/target-ref.js';
import { type BackOff, GRPC_RETRY_ON, type GrpcRetry, HTTP_RETRY_ON, type HttpRetry, type MeshRetrySpec, type RateLimitedBackOff, type RetryConf } from './types.js';
import { isKnownStatusCode } from './status-codes.js';

/** Kuma's list for system-role policies; every policy on a Universal zone has that role. */
const TOP_LEVEL_KINDS: readonly TargetRefKind[] = ['Mesh', 'MeshSubset', 'MeshGateway', 'MeshService', 'MeshServiceSubset', 'MeshHTTPRoute', 'Dataplane'];
const TO_KINDS: readonly TargetRefKind[] = ['Mesh', 'MeshService', 'MeshExternalService', 'MeshMultiZoneService', 'MeshHTTPRoute'];
const ROUTE_OR_GATEWAY_TO_KINDS: readonly TargetRefKind[] = ['Mesh', 'MeshExternalService'];
/** What makes an http block non-empty; like Kuma, hostSelectionMaxAttempts alone does not count. */
const HTTP_SETTINGS = ['numRetries', 'perTryTimeout', 'backOff', 'rateLimitedBackOff', 'retryOn', 'retriableResponseHeaders', 'retriableRequestHeaders', 'hostSelection'] as const;

export function validateMeshRetry(input: ValidationInput<MeshRetrySpec>): Violation[] {
  const out = new ViolationList();
  const spec = PathBuilder.of('spec');
  const { targetRef } = input.spec;
  if (targetRef) out.addAll(validateTargetRef(targetRef, spec.field('targetRef'), { allowedKinds: TOP_LEVEL_KINDS, position: 'top-level' }));
  const routeOrGateway = targetRef?.kind === 'MeshHTTPRoute' || targetRef?.kind === 'MeshGateway';
  (input.spec.to ?? []).forEach((entry, i) => {
    const at = spec.field('to').index(i);
    const allowedKinds = routeOrGateway ? ROUTE_OR_GATEWAY_TO_KINDS : TO_KINDS;
    out.addAll(validateTargetRef(entry.targetRef, at.field('targetRef'), { allowedKinds, position: 'to' }));
    out.addAll(validateConf(entry.default ?? {}, at.field('default')));
  });
  return out.items;
}

function validateConf(conf: RetryConf, path: PathBuilder): Violation[] {
  const out = new ViolationList();
  if (!conf.tcp && !conf.http && !conf.grpc) out.at(path, "at least one of the 'tcp', 'http', 'grpc' must be specified");
  if (conf.tcp) {
    const attempts = conf.tcp.maxConnectAttempt;
    if (attempts === undefined) out.at(path.field('tcp'), msg.notEmpty);
    else if (attempts === 0) out.at(path.field('tcp').field('maxConnectAttempt'), 'must be greater than 0');
  }
  if (conf.http) out.addAll(validateHttp(conf.http, path.field('http')));
  if (conf.grpc) out.addAll(validateGrpc(conf.grpc, path.field('grpc')));
  return out.items;
}

function validateHttp(http: HttpRetry, path: PathBuilder): Violation[] {
  const out = new ViolationList();
  if (HTTP_SETTINGS.every((k) => http[k] === undefined)) out.at(path, msg.notEmpty);
  if (http.backOff) out.addAll(validateBackOff(http.backOff, path.field('backOff')));
  if (http.rateLimitedBackOff) out.addAll(validateRateLimitedBackOff(http.rateLimitedBackOff, path.field('rateLimitedBackOff')));
  (http.retryOn ?? []).forEach((item, i) => {
    const known = typeof item === 'string' && Object.hasOwn(HTTP_RETRY_ON, item);
    if (!known && !isKnownStatusCode(item)) out.at(path.field('retryOn').index(i), `unknown item '${item}'`);
  });
  let prioritySet = false;
  (http.hostSelection ?? []).forEach((p, i) => {
    const at = path.field('hostSelection').index(i);
    switch (p.predicate) {
      case 'OmitHostsWithTags':
        if (p.tags === undefined) out.at(at.field('tags'), msg.required);
        break;
      case 'OmitPreviousPriorities':
        if (prioritySet) out.at(at.field('predicate'), 'OmitPreviousPriorities must only be specified once');
        if (p.updateFrequency <= 0) out.at(at.field('updateFrequency'), 'must be defined and greater than zero');
        prioritySet = true;
        break;
      case 'OmitPreviousHosts':
        break;
      default:
        out.at(at.field('predicate'), `unknown predicate type '${p.predicate ?? ''}'`);
    }
  });
  // Stricter than Kuma: the same header-match rules as MeshHTTPRoute (regexes must compile).
  out.addAll(validateHeaderMatches(http.retriableResponseHeaders ?? [], path.field('retriableResponseHeaders')));
  out.addAll(validateHeaderMatches(http.retriableRequestHeaders ?? [], path.field('retriableRequestHeaders')));
  return out.items;
}

function validateGrpc(grpc: GrpcRetry, path: PathBuilder): Violation[] {
  const out = new ViolationList();
  if (Object.values(grpc).every((v) => v === undefined)) out.at(path, msg.notEmpty);
  if (grpc.backOff) out.addAll(validateBackOff(grpc.backOff, path.field('backOff')));
  if (grpc.rateLimitedBackOff) out.addAll(validateRateLimitedBackOff(grpc.rateLimitedBackOff, path.field('rateLimitedBackOff')));
  (grpc.retryOn ?? []).forEach((item, i) => {
    if (!(typeof item === 'string' && Object.hasOwn(GRPC_RETRY_ON, item))) out.at(path.field('retryOn').index(i), `unknown item '${item}'`);
  });
  return out.items;
}

function validateBackOff(backOff: BackOff, path: PathBuilder): Violation[] {
  const out = new ViolationList();
  const { baseInterval, maxInterval } = backOff;
  if (baseInterval === undefined && maxInterval === undefined) out.at(path, msg.notEmpty);
  // Stricter than Kuma; Envoy refuses both (its API says base > 0 and max >= base).
  if (baseInterval !== undefined && durationMs(baseInterval) <= 0) out.at(path.field('baseInterval'), 'must be greater than zero when defined');
  if (baseInterval !== undefined && maxInterval !== undefined && durationMs(maxInterval) < durationMs(baseInterval)) {
    out.at(path.field('maxInterval'), `must be greater than or equal to baseInterval ${JSON.stringify(baseInterval)}; got ${JSON.stringify(maxInterval)}`);
  }
  return out.items;
}

function validateRateLimitedBackOff(backOff: RateLimitedBackOff, path: PathBuilder): Violation[] {
  const out = new ViolationList();
  if (backOff.maxInterval !== undefined && durationMs(backOff.maxInterval) <= 0) {
    out.at(path.field('maxInterval'), 'must be defined and greater than zero');
  }
  if (backOff.resetHeaders === undefined) out.at(path.field('resetHeaders'), msg.required);
  (backOff.resetHeaders ?? []).forEach((h, i) => {
    if (!h.name) out.at(path.field('resetHeaders').index(i).field('name'), msg.required);
  });
  return out.items;
}
