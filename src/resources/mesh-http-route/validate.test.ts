import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { admit, type AdmissionContext } from '../../core/admission.js';
import { ValidationError } from '../../core/errors.js';
import type { Resource } from '../../core/resource.js';
import type { Violation } from '../../core/violations.js';
import { meshHttpRouteDescriptor } from './descriptor.js';

const ctx: AdmissionContext = { mode: 'zone', zone: 'zone-1', environment: 'universal' };

function violationsOf(specYaml: string): Violation[] {
  try {
    admit({ kind: meshHttpRouteDescriptor, name: 'route-1', mesh: 'default', labels: {}, body: parse(specYaml) }, ctx);
    return [];
  } catch (err) {
    if (err instanceof ValidationError) return [...err.violations];
    throw err;
  }
}

const v = (field: string, message: string): Violation => ({ field, message });
const RFC1123 =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const R = 'spec.to[0].rules[0]';
const F = `${R}.default.filters`;

/** `to[0]` to MeshService backend with one rule whose body is `rule` (indented YAML). */
const withRule = (rule: string, top = 'kind: MeshService\n  name: frontend'): string => `
targetRef:
  ${top}
to:
- targetRef:
    kind: MeshService
    name: backend
  rules:
${rule}`;

describe('MeshHTTPRoute validation: Kuma 2.x rules', () => {
  const cases: { title: string; spec: string; expected: Violation[] }[] = [
    {
      title: 'unsupported top-level kind',
      spec: 'targetRef: {kind: BlahBlah, name: frontend}\nto: []',
      expected: [v('spec.targetRef.kind', "value 'BlahBlah' is not supported")],
    },
    {
      title: 'to[].targetRef of kind Mesh is not a destination',
      spec: 'targetRef: {kind: MeshService, name: frontend}\nto: [{targetRef: {kind: Mesh}}]',
      expected: [v('spec.to[0].targetRef.kind', "value 'Mesh' is not supported")],
    },
    {
      title: 'under a MeshGateway only kind Mesh may be a to[] target',
      spec: 'targetRef: {kind: MeshGateway, name: edge}\nto: [{targetRef: {kind: MeshService, name: backend}}]',
      expected: [v('spec.to[0].targetRef.kind', "value 'MeshService' is not supported")],
    },
    {
      title: 'to[] entry without a targetRef',
      spec: 'to: [{rules: []}]',
      expected: [v('spec.to[0].targetRef.kind', 'must be defined')],
    },
    {
      title: 'relative and trailing-slash paths',
      spec: withRule(`  - matches:
    - path: {value: relative, type: Exact}
    - path: {value: /trailing/slash/, type: PathPrefix}
    - path: {value: relative, type: PathPrefix}
    - path: {value: /, type: PathPrefix}`),
      expected: [
        v(`${R}.matches[0].path.value`, 'must be an absolute path'),
        v(`${R}.matches[1].path.value`, 'does not need a trailing slash because only a `/`-separated prefix or an entire path is matched'),
        v(`${R}.matches[2].path.value`, 'must be an absolute path'),
      ],
    },
    {
      title: 'repeated query parameter names',
      spec: withRule(`  - matches:
    - queryParams:
      - {type: Exact, name: foo, value: bar}
      - {type: Exact, name: foo, value: baz}`),
      expected: [v(`${R}.matches[0].queryParams[1].name`, 'multiple entries for name foo')],
    },
    {
      title: 'Present and Absent header matches take no value',
      spec: withRule(`  - matches:
    - headers:
      - {type: Present, name: foo, value: x}
      - {type: Absent, name: foo, value: x}`),
      expected: [v(`${R}.matches[0].headers[0].value`, 'must not be defined'), v(`${R}.matches[0].headers[1].value`, 'must not be defined')],
    },
    {
      title: 'a filter without its block',
      spec: withRule(`  - default:
      filters:
      - type: RequestHeaderModifier
      - type: ResponseHeaderModifier
      - type: RequestRedirect
      - type: RequestMirror
      - type: URLRewrite`),
      expected: [
        v(`${F}[0].requestHeaderModifier`, 'must be defined'),
        v(`${F}[1].responseHeaderModifier`, 'must be defined'),
        v(`${F}[2].requestRedirect`, 'must be defined'),
        v(`${F}[3].requestMirror`, 'must be defined'),
        v(`${F}[4].urlRewrite`, 'must be defined'),
      ],
    },
    {
      title: 'header modifiers: one action per header, at least one action (remove items reported at the item, not at Kuma\'s "remove[0].name")',
      spec: withRule(`  - default:
      filters:
      - type: RequestHeaderModifier
        requestHeaderModifier: {set: [{name: foo, value: bar}, {name: foo, value: bazz}]}
      - type: ResponseHeaderModifier
        responseHeaderModifier: {}
      - type: ResponseHeaderModifier
        responseHeaderModifier: {set: [{name: foo, value: bar}], add: [{name: foo, value: bar}], remove: [foo]}`),
      expected: [
        v(`${F}[0].requestHeaderModifier.set[1].name`, 'duplicate header name'),
        v(`${F}[1].responseHeaderModifier`, 'must have at least one defined: set, add, remove'),
        v(`${F}[2].responseHeaderModifier.add[0].name`, 'duplicate header name'),
        v(`${F}[2].responseHeaderModifier.remove[0]`, 'duplicate header name'),
      ],
    },
    {
      title: 'prefix rewrites need prefix matches',
      spec: withRule(`  - matches: [{path: {value: /prefix, type: Exact}}]
    default:
      filters:
      - type: URLRewrite
        urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /other}}
      - type: RequestRedirect
        requestRedirect: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /other}}`),
      expected: [
        v(`${F}[0].urlRewrite.path.replacePrefixMatch`, 'can only appear if all matches match a path prefix'),
        v(`${F}[1].requestRedirect.path.replacePrefixMatch`, 'can only appear if all matches match a path prefix'),
      ],
    },
    {
      title: 'redirect and rewrite hostnames must be DNS names, not IPs',
      spec: withRule(`  - default:
      filters:
      - {type: RequestRedirect, requestRedirect: {hostname: 127.0.0.1}}
      - {type: RequestRedirect, requestRedirect: {hostname: "2001:db8:3333:4444:5555:6666:7777:8888"}}
      - {type: URLRewrite, urlRewrite: {hostname: a..bc}}
      - {type: URLRewrite, urlRewrite: {hostname: mx.foo.com.}}
      - {type: URLRewrite, urlRewrite: {hostname: ${'a'.repeat(250)}.com}}`),
      expected: [
        v(`${F}[0].requestRedirect.hostname`, 'cannot be an IP address'),
        v(`${F}[1].requestRedirect.hostname`, 'cannot be an IP address'),
        v(`${F}[2].urlRewrite.hostname`, RFC1123),
        v(`${F}[3].urlRewrite.hostname`, RFC1123),
        v(`${F}[4].urlRewrite.hostname`, 'must be no more than 253 characters'),
      ],
    },
    {
      title: 'redirect status code must be a redirect',
      spec: withRule(`  - default:
      filters: [{type: RequestRedirect, requestRedirect: {statusCode: 304}}]`),
      expected: [v(`${F}[0].requestRedirect.statusCode`, 'must be one of: 301, 302, 303, 307, 308; got 304')],
    },
    {
      title: 'hostnames and hostToBackendHostname are for gateway routes only',
      spec: `
targetRef: {kind: MeshService, name: frontend}
to:
- targetRef: {kind: MeshService, name: backend}
  hostnames: [backend.com]
  rules:
  - default:
      filters: [{type: URLRewrite, urlRewrite: {hostToBackendHostname: true}}]
      backendRefs: [{kind: MeshService, name: backend}]`,
      expected: [
        v(`${F}[0].urlRewrite.hostToBackendHostname`, 'can only be set with MeshGateway'),
        v('spec.to[0].hostnames', 'must not be defined'),
      ],
    },
    {
      title: 'hostToBackendHostname and hostname exclude each other; gateway rules need backendRefs unless they redirect',
      spec: `
targetRef: {kind: MeshGateway, name: edge}
to:
- targetRef: {kind: Mesh}
  rules:
  - default:
      filters: [{type: URLRewrite, urlRewrite: {hostToBackendHostname: true, hostname: example.com}}]
  - default:
      filters: [{type: RequestRedirect, requestRedirect: {scheme: https}}]`,
      expected: [
        v(`${F}[0].urlRewrite.hostToBackendHostname`, 'cannot be set together with hostname'),
        v(`${R}.default.backendRefs`, 'must not be empty'),
      ],
    },
    {
      title: 'backendRef and mirror backendRef of kind MeshServiceSubset need a name; a MeshMultiZoneService backendRef needs a port',
      spec: withRule(`  - default:
      filters: [{type: RequestMirror, requestMirror: {backendRef: {kind: MeshServiceSubset, tags: {version: v1}}}}]
      backendRefs:
      - {kind: MeshServiceSubset, tags: {version: v1}}
      - {kind: MeshMultiZoneService, name: test-server}`),
      expected: [
        v(`${F}[0].requestMirror.backendRef.name`, 'must be set when kind is MeshServiceSubset'),
        v(`${R}.default.backendRefs[0].name`, 'must be set when kind is MeshServiceSubset'),
        v(`${R}.default.backendRefs[1].port`, 'must be defined with kind MeshMultiZoneService'),
      ],
    },
    {
      title: 'schema errors are reported before (and instead of) the rules',
      spec: withRule(`  - matches: [{path: {type: Prefix, value: /}, method: FETCH}]
    default: {backendRefs: [{kind: MeshService, name: backend, port: 0}]}`),
      expected: [
        v(`${R}.matches[0].path.type`, 'must be one of: Exact, PathPrefix, RegularExpression; got "Prefix"'),
        v(`${R}.matches[0].method`, 'must be one of: CONNECT, DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, TRACE; got "FETCH"'),
        v(`${R}.default.backendRefs[0].port`, 'must be in inclusive range [1, 65535]; got 0'),
      ],
    },
  ];
  for (const c of cases) it(c.title, () => assert.deepEqual(violationsOf(c.spec), c.expected));
});

describe('MeshHTTPRoute validation: stricter than Kuma', () => {
  const cases: { title: string; spec: string; expected: Violation[] }[] = [
    {
      title: 'stricter than Kuma: regexes in path, header and query matches must compile',
      spec: withRule(`  - matches:
    - path: {type: RegularExpression, value: "/api/(v1"}
      headers: [{type: RegularExpression, name: x-id, value: "[a-"}]
      queryParams: [{type: RegularExpression, name: q, value: "*"}]`),
      expected: [
        v(`${R}.matches[0].path.value`, 'must be a valid regular expression; got "/api/(v1"'),
        v(`${R}.matches[0].queryParams[0].value`, 'must be a valid regular expression; got "*"'),
        v(`${R}.matches[0].headers[0].value`, 'must be a valid regular expression; got "[a-"'),
      ],
    },
    {
      title: 'stricter than Kuma: lookaround and backreferences compile in JavaScript but not in RE2 (Envoy)',
      spec: withRule(`  - matches:
    - path: {type: RegularExpression, value: "/(?!admin).*"}
      headers: [{type: RegularExpression, name: x-pair, value: "(a)\\\\1"}]`),
      expected: [
        v(`${R}.matches[0].path.value`, 'must be an RE2 regular expression, which has no lookaround; got "/(?!admin).*"'),
        v(`${R}.matches[0].headers[0].value`, 'must be an RE2 regular expression, which has no backreferences; got "(a)\\\\1"'),
      ],
    },
    {
      title: 'stricter than Kuma: negative weights, and a split whose weights are all 0',
      spec: withRule(`  - default:
      backendRefs:
      - {kind: MeshService, name: backend-v1, port: 80, weight: 0}
      - {kind: MeshService, name: backend-v2, port: 80, weight: 0}
  - default:
      backendRefs: [{kind: MeshService, name: backend-v1, port: 80, weight: -5}]`),
      expected: [
        v(`${R}.default.backendRefs`, 'must have at least one backendRef with a weight greater than 0'),
        v('spec.to[0].rules[1].default.backendRefs[0].weight', 'must be in inclusive range [0, 4294967295]'),
      ],
    },
    {
      title: 'stricter than Kuma: mirror percentage must be a number from 0 to 100',
      spec: withRule(`  - default:
      filters:
      - {type: RequestMirror, requestMirror: {percentage: half, backendRef: {kind: MeshService, name: shadow}}}
      - {type: RequestMirror, requestMirror: {percentage: 150, backendRef: {kind: MeshService, name: shadow}}}`),
      expected: [
        v(`${F}[0].requestMirror.percentage`, 'string must be a valid number'),
        v(`${F}[1].requestMirror.percentage`, 'must be in inclusive range [0.0, 100.0]'),
      ],
    },
    {
      title: 'stricter than Kuma: namespace in a backendRef on a Universal zone',
      spec: withRule(`  - default:
      backendRefs: [{kind: MeshService, name: test-server-v2, namespace: test-app, port: 80}]`),
      expected: [v(`${R}.default.backendRefs[0].namespace`, 'can only be used on Kubernetes zones')],
    },
  ];
  for (const c of cases) it(c.title, () => assert.deepEqual(violationsOf(c.spec), c.expected));
});

describe('MeshHTTPRoute validation: valid Kuma documents', () => {
  const valid: Record<string, string> = {
    'empty to': 'targetRef: {kind: MeshService, name: frontend}\nto: []',
    'no top-level targetRef (means Mesh)': 'to: [{targetRef: {kind: MeshService, name: backend}, rules: []}]',
    'prefix rewrite with prefix match': withRule(`  - matches: [{path: {value: /prefix, type: PathPrefix}}]
    default:
      filters:
      - {type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /other}}}
      - {type: RequestRedirect, requestRedirect: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /other}}}`),
    'gateway route to Mesh with hostnames and hostToBackendHostname': `
targetRef: {kind: MeshGateway, name: edge}
to:
- targetRef: {kind: Mesh}
  hostnames: [example.com]
  rules:
  - matches: [{path: {value: /, type: PathPrefix}}]
    default:
      filters: [{type: URLRewrite, urlRewrite: {hostToBackendHostname: true}}]
      backendRefs: [{kind: MeshService, name: backend}]`,
    'labels-selected MeshService and MeshMultiZoneService backends': `
targetRef: {kind: Mesh}
to:
- targetRef: {kind: MeshService, labels: {kuma.io/display-name: backend}}
  rules:
  - matches: [{path: {value: /v1, type: PathPrefix}}]
    default: {backendRefs: [{kind: MeshService, labels: {kuma.io/display-name: backend}, port: 8080}]}
  - matches: [{path: {value: /v2, type: PathPrefix}}]
    default: {backendRefs: [{kind: MeshMultiZoneService, labels: {kuma.io/display-name: backend}, port: 8080}]}`,
    'seed document "Route" example (without the Kubernetes-only namespace)': `
targetRef: {kind: Mesh}
to:
- targetRef: {kind: MeshService, name: test-server}
  rules:
  - matches: [{path: {type: PathPrefix, value: /v2}}]
    default: {backendRefs: [{kind: MeshService, name: test-server-v2, port: 80}]}`,
    'Kuma docs: header match, header modifiers, weighted split, mirror, RE2 inline flags': `
targetRef: {kind: MeshService, name: frontend_kuma-demo_svc_8080}
to:
- targetRef: {kind: MeshService, name: backend, sectionName: http}
  rules:
  - matches:
    - headers: [{type: Exact, name: version, value: v2}, {type: RegularExpression, name: x-user, value: "(?i)^admin-[0-9]+$"}]
      method: GET
      queryParams: [{type: RegularExpression, name: debug, value: "^(true|1)$"}]
    - path: {type: RegularExpression, value: "^/api/(?P<version>v[0-9]+)/.*"}
    default:
      filters:
      - type: RequestHeaderModifier
        requestHeaderModifier: {add: [{name: x-custom, value: yes}], remove: [x-debug]}
      - type: RequestMirror
        requestMirror: {percentage: "12.5", backendRef: {kind: MeshService, name: shadow, port: 80}}
      backendRefs:
      - {kind: MeshService, name: backend-v1, port: 8080, weight: 90}
      - {kind: MeshService, name: backend-v2, port: 8080, weight: 10}
      - {kind: MeshService, name: backend-v3, port: 8080, weight: 0}`,
  };
  for (const [title, spec] of Object.entries(valid)) it(`accepts: ${title}`, () => assert.deepEqual(violationsOf(spec), []));
});

describe('MeshHTTPRoute admission output', () => {
  const spec = parse(`
targetRef: {kind: Mesh}
to:
- targetRef: {kind: MeshService, name: backend}
  rules:
  - matches: [{headers: [{name: version, value: v2}]}]
    default:
      filters: [{type: RequestRedirect, requestRedirect: {scheme: https}}]
      backendRefs: [{kind: MeshService, name: backend-v2, port: 80}]
- targetRef: {kind: MeshMultiZoneService, labels: {team: payments}}
  rules: [{default: {backendRefs: [{kind: MeshService, name: payments, port: 80}]}}, {default: {}}]`);
  const admitted = admit({ kind: meshHttpRouteDescriptor, name: 'route-1', mesh: 'default', labels: {}, body: spec }, ctx);

  it('fills Kuma defaults: header match type Exact, redirect status 302, backendRef weight 1', () => {
    const rule = (admitted.resource.spec as { to: { rules: unknown[] }[] }).to[0]?.rules[0];
    assert.deepEqual(rule, {
      matches: [{ headers: [{ name: 'version', value: 'v2', type: 'Exact' }] }],
      default: {
        filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 302 } }],
        backendRefs: [{ kind: 'MeshService', name: 'backend-v2', port: 80, weight: 1 }],
      },
    });
  });

  it('shows TARGETS and RULES columns', () => {
    const r = { ...admitted.resource, creationTime: '', modificationTime: '', version: 1 } as Resource;
    assert.deepEqual(
      meshHttpRouteDescriptor.columns.map((c) => [c.header, c.value(r)]),
      [
        ['TARGETS', 'MeshService/backend,MeshMultiZoneService{team=payments}'],
        ['RULES', '3'],
        ['REFERENCES', ''],
      ],
    );
  });
});
