import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { admit, type AdmissionContext } from '../../core/admission.js';
import { ValidationError } from '../../core/errors.js';
import type { Resource } from '../../core/resource.js';
import type { Violation } from '../../core/violations.js';
import { meshRetryDescriptor } from './descriptor.js';

const ctx: AdmissionContext = { mode: 'zone', zone: 'zone-1', environment: 'universal' };

function violationsOf(specYaml: string): Violation[] {
  try {
    admit({ kind: meshRetryDescriptor, name: 'retry-1', mesh: 'default', labels: {}, body: parse(specYaml) }, ctx);
    return [];
  } catch (err) {
    if (err instanceof ValidationError) return [...err.violations];
    throw err;
  }
}

const v = (field: string, message: string): Violation => ({ field, message });
/** One `to` entry for kind Mesh whose `default` is the given flow-style YAML. */
const toMesh = (conf: string): string => `targetRef: {kind: Mesh}\nto: [{targetRef: {kind: Mesh}, default: ${conf}}]`;
const D = 'spec.to[0].default';

// Kuma reports these rules under `spec.to[0].default.conf.…`, a path that is not in the document;
// Meshplane reports the real field with Kuma's message.
describe('MeshRetry validation', () => {
  const cases: { title: string; spec: string; expected: Violation[] }[] = [
    {
      title: 'unsupported kinds in to',
      spec: `
targetRef: {kind: Mesh}
to:
- {targetRef: {kind: MeshSubset, tags: {version: v1}}, default: {http: {numRetries: 1}}}
- {targetRef: {kind: MeshServiceSubset, name: backend, tags: {kuma.io/zone: us-east}}, default: {grpc: {numRetries: 1}}}`,
      expected: [v('spec.to[0].targetRef.kind', "value 'MeshSubset' is not supported"), v('spec.to[1].targetRef.kind', "value 'MeshServiceSubset' is not supported")],
    },
    {
      title: 'MeshGateway and MeshHTTPRoute top levels only allow Mesh and MeshExternalService targets',
      spec: `
targetRef: {kind: MeshHTTPRoute, name: route-1}
to: [{targetRef: {kind: MeshService, name: web-backend}, default: {http: {retryOn: [5xx]}}}]`,
      expected: [v('spec.to[0].targetRef.kind', "value 'MeshService' is not supported")],
    },
    {
      title: 'an empty default',
      spec: toMesh('{}'),
      expected: [v(D, "at least one of the 'tcp', 'http', 'grpc' must be specified")],
    },
    {
      title: 'empty tcp, http and grpc sections (hostSelectionMaxAttempts alone does not count, as in Kuma)',
      spec: toMesh('{tcp: {}, http: {hostSelectionMaxAttempts: 3}, grpc: {}}'),
      expected: [v(`${D}.tcp`, 'must not be empty'), v(`${D}.http`, 'must not be empty'), v(`${D}.grpc`, 'must not be empty')],
    },
    {
      title: 'zero connect attempts',
      spec: toMesh('{tcp: {maxConnectAttempt: 0}}'),
      expected: [v(`${D}.tcp.maxConnectAttempt`, 'must be greater than 0')],
    },
    {
      title: 'empty backOff and rateLimitedBackOff without resetHeaders, in http and grpc',
      spec: toMesh('{http: {backOff: {}, rateLimitedBackOff: {}}, grpc: {backOff: {}, rateLimitedBackOff: {maxInterval: 0s, resetHeaders: [{name: "", format: Seconds}]}}}'),
      expected: [
        v(`${D}.http.backOff`, 'must not be empty'),
        v(`${D}.http.rateLimitedBackOff.resetHeaders`, 'must be defined'),
        v(`${D}.grpc.backOff`, 'must not be empty'),
        v(`${D}.grpc.rateLimitedBackOff.maxInterval`, 'must be defined and greater than zero'),
        v(`${D}.grpc.rateLimitedBackOff.resetHeaders[0].name`, 'must be defined'),
      ],
    },
    {
      title: 'http.retryOn: unknown names and status codes without a reason phrase',
      spec: toMesh('{http: {retryOn: [WRONG_VALUE, reset, DEADLINE_EXCEEDED, 123, "952", 5xx, 503, "409"]}}'),
      expected: [
        v(`${D}.http.retryOn[0]`, "unknown item 'WRONG_VALUE'"),
        v(`${D}.http.retryOn[1]`, "unknown item 'reset'"),
        v(`${D}.http.retryOn[2]`, "unknown item 'DEADLINE_EXCEEDED'"),
        v(`${D}.http.retryOn[3]`, "unknown item '123'"),
        v(`${D}.http.retryOn[4]`, "unknown item '952'"),
      ],
    },
    {
      title: 'grpc.retryOn: only gRPC status names',
      spec: toMesh('{grpc: {retryOn: [500, reset, wrong, Unavailable]}}'),
      expected: [v(`${D}.grpc.retryOn[0]`, "unknown item '500'"), v(`${D}.grpc.retryOn[1]`, "unknown item 'reset'"), v(`${D}.grpc.retryOn[2]`, "unknown item 'wrong'")],
    },
    {
      title: 'hostSelection predicates: tags for OmitHostsWithTags, one OmitPreviousPriorities with a positive frequency, known types',
      spec: toMesh(`{http: {hostSelection: [
        {predicate: OmitHostsWithTags},
        {predicate: OmitPreviousPriorities, updateFrequency: 0},
        {predicate: OmitPreviousHosts},
        {predicate: OmitPreviousPriorities},
        {predicate: IncorrectPredicateType}]}}`),
      expected: [
        v(`${D}.http.hostSelection[0].tags`, 'must be defined'),
        v(`${D}.http.hostSelection[1].updateFrequency`, 'must be defined and greater than zero'),
        v(`${D}.http.hostSelection[3].predicate`, 'OmitPreviousPriorities must only be specified once'),
        v(`${D}.http.hostSelection[4].predicate`, "unknown predicate type 'IncorrectPredicateType'"),
      ],
    },
    {
      title: 'stricter than Kuma: backOff base must be positive and max at least base',
      spec: toMesh('{http: {backOff: {baseInterval: 0s}}, grpc: {backOff: {baseInterval: 1s, maxInterval: 500ms}}}'),
      expected: [
        v(`${D}.http.backOff.baseInterval`, 'must be greater than zero when defined'),
        v(`${D}.grpc.backOff.maxInterval`, 'must be greater than or equal to baseInterval "1s"; got "500ms"'),
      ],
    },
    {
      title: 'stricter than Kuma: retriable header matches follow the route rules (values, regexes)',
      spec: toMesh(`{http: {
        retriableResponseHeaders: [{type: Present, name: x-retry, value: "yes"}],
        retriableRequestHeaders: [{type: RegularExpression, name: x-id, value: "(?<=a)b"}, {type: RegularExpression, name: x-id2, value: "(a"}]}}`),
      expected: [
        v(`${D}.http.retriableResponseHeaders[0].value`, 'must not be defined'),
        v(`${D}.http.retriableRequestHeaders[0].value`, 'must be an RE2 regular expression, which has no lookaround; got "(?<=a)b"'),
        v(`${D}.http.retriableRequestHeaders[1].value`, 'must be a valid regular expression; got "(a"'),
      ],
    },
    {
      title: 'stricter than Kuma: header match types must be Kuma\'s enum (its Universal API stores "PREFIX"); counts are unsigned',
      spec: toMesh('{http: {numRetries: -1, retriableRequestHeaders: [{type: PREFIX, name: x-my-header-1, value: kuma-value-}]}}'),
      expected: [
        v(`${D}.http.numRetries`, 'must be in inclusive range [0, 4294967295]; got -1'),
        v(`${D}.http.retriableRequestHeaders[0].type`, 'must be one of: Exact, Present, RegularExpression, Absent, Prefix; got "PREFIX"'),
      ],
    },
  ];
  for (const c of cases) it(c.title, () => assert.deepEqual(violationsOf(c.spec), c.expected));

  const valid: Record<string, string> = {
    'full example': `
targetRef: {kind: Mesh}
to:
- targetRef: {kind: Mesh}
  default: {tcp: {maxConnectAttempt: 5}}
- targetRef: {kind: MeshService, name: backend}
  default:
    tcp: {maxConnectAttempt: 5}
    http:
      numRetries: 10
      perTryTimeout: 20s
      backOff: {baseInterval: 15s, maxInterval: 20m}
      rateLimitedBackOff:
        resetHeaders: [{name: retry-after-http, format: Seconds}, {name: x-retry-after-http, format: UnixTimestamp}]
        maxInterval: 21m
      retryOn: [5xx, GatewayError, Reset, Retriable4xx, ConnectFailure, EnvoyRatelimited, RefusedStream, Http3PostConnectFailure,
        HttpMethodConnect, HttpMethodDelete, HttpMethodGet, HttpMethodHead, HttpMethodOptions, HttpMethodPatch, HttpMethodPost,
        HttpMethodPut, HttpMethodTrace, 500, 409, "503"]
      retriableRequestHeaders:
      - {type: Prefix, name: x-my-header-1, value: kuma-value-}
      - {type: RegularExpression, name: x-my-header-2, value: ".*"}
      - {type: Exact, name: x-my-header-3, value: exact-value}
      retriableResponseHeaders: [{type: Present, name: x-my-header-4}]
      hostSelection: [{predicate: OmitPreviousHosts}, {predicate: OmitHostsWithTags, tags: {version: v1}}, {predicate: OmitPreviousPriorities}]
    grpc:
      numRetries: 10
      perTryTimeout: 20s
      backOff: {baseInterval: 15s, maxInterval: 20m}
      rateLimitedBackOff: {resetHeaders: [{name: retry-after-grpc, format: Seconds}], maxInterval: 21m}
      retryOn: [Canceled, DeadlineExceeded, Internal, ResourceExhausted, Unavailable]`,
    'minimal http retry': toMesh('{http: {numRetries: 5}}'),
    'MeshMultiZoneService target': 'to: [{targetRef: {kind: MeshMultiZoneService, name: web-backend}, default: {http: {numRetries: 5}}}]',
    'empty http and grpc arrays': toMesh('{http: {numRetries: 5, retryOn: [], retriableRequestHeaders: [], retriableResponseHeaders: []}, grpc: {numRetries: 5, retryOn: []}}'),
    'MeshHTTPRoute top level': 'targetRef: {kind: MeshHTTPRoute, name: route-1}\nto: [{targetRef: {kind: Mesh}, default: {http: {retryOn: [500, 409]}}}]',
    "empty 'to' as an override that disables inherited rules": 'targetRef: {kind: Dataplane, labels: {app: web}}\nto: []',
    '5XX as Kuma\'s docs write it (Kuma\'s own validator refuses it)': toMesh('{http: {retryOn: [5XX]}}'),
  };
  for (const [title, spec] of Object.entries(valid)) it(`accepts: ${title}`, () => assert.deepEqual(violationsOf(spec), []));

  it('fills updateFrequency 2 for OmitPreviousPriorities and shows TARGETREF and TO', () => {
    const body = parse(toMesh('{http: {hostSelection: [{predicate: OmitPreviousPriorities}]}}'));
    const admitted = admit({ kind: meshRetryDescriptor, name: 'retry-1', mesh: 'default', labels: {}, body }, ctx);
    const spec = admitted.resource.spec as { to: { default: { http: { hostSelection: unknown[] } } }[] };
    assert.deepEqual(spec.to[0]?.default.http.hostSelection, [{ predicate: 'OmitPreviousPriorities', updateFrequency: 2 }]);
    const r = { ...admitted.resource, creationTime: '', modificationTime: '', version: 1 } as Resource;
    assert.deepEqual(
      meshRetryDescriptor.columns.map((c) => [c.header, c.value(r)]),
      [
        ['TARGETREF', 'Mesh'],
        ['TO', 'Mesh'],
        ['REFERENCES', ''],
      ],
    );
  });
});
