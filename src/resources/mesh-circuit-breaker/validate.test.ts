import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { admit, type AdmissionContext } from '../../core/admission.js';
import { ValidationError } from '../../core/errors.js';
import type { Resource } from '../../core/resource.js';
import type { Violation } from '../../core/violations.js';
import { decimalOf, thousandths } from './decimal.js';
import { meshCircuitBreakerDescriptor } from './descriptor.js';

const ctx: AdmissionContext = { mode: 'zone', zone: 'zone-1', environment: 'universal' };

function violationsOf(specYaml: string): Violation[] {
  try {
    admit({ kind: meshCircuitBreakerDescriptor, name: 'mcb-1', mesh: 'default', labels: {}, body: parse(specYaml) }, ctx);
    return [];
  } catch (err) {
    if (err instanceof ValidationError) return [...err.violations];
    throw err;
  }
}

const v = (field: string, message: string): Violation => ({ field, message });
/** One `to` entry for MeshService web-backend whose `default` is the given flow-style YAML. */
const toBackend = (conf: string): string => `targetRef: {kind: MeshService, name: web-frontend}\nto: [{targetRef: {kind: MeshService, name: web-backend}, default: ${conf}}]`;
const OD = 'spec.to[0].default.outlierDetection';

describe('MeshCircuitBreaker validation', () => {
  const cases: { title: string; spec: string; expected: Violation[] }[] = [
    {
      title: 'neither to nor from (Kuma 2.9 wording: Meshplane has no rules section)',
      spec: 'targetRef: {kind: Mesh}',
      expected: [v('spec', "at least one of 'from', 'to' has to be defined")],
    },
    {
      title: 'unsupported kinds in from and to',
      spec: `
targetRef: {kind: MeshService, name: web-frontend}
from: [{targetRef: {kind: MeshGatewayRoute}, default: {connectionLimits: {}}}]
to: [{targetRef: {kind: MeshServiceSubset}, default: {connectionLimits: {}}}, {targetRef: {kind: MeshHTTPRoute, name: r}, default: {connectionLimits: {}}}]`,
      expected: [
        v('spec.from[0].targetRef.kind', "value 'MeshGatewayRoute' is not supported"),
        v('spec.to[0].targetRef.kind', "value 'MeshServiceSubset' is not supported"),
        v('spec.to[1].targetRef.kind', "value 'MeshHTTPRoute' is not supported"),
      ],
    },
    {
      title: 'a MeshHTTPRoute top level is not supported',
      spec: 'targetRef: {kind: MeshHTTPRoute, name: route-1}\nto: [{targetRef: {kind: Mesh}, default: {connectionLimits: {maxRequests: 1}}}]',
      expected: [v('spec.targetRef.kind', "value 'MeshHTTPRoute' is not supported")],
    },
    {
      title: 'a Dataplane section on an outbound policy',
      spec: `
targetRef: {kind: Dataplane, sectionName: test}
to: [{targetRef: {kind: MeshServiceSubset}, default: {connectionLimits: {}}}]`,
      expected: [v('spec.targetRef.sectionName', 'can only be used with inbound policies'), v('spec.to[0].targetRef.kind', "value 'MeshServiceSubset' is not supported")],
    },
    {
      title: 'missing configuration',
      spec: 'targetRef: {kind: MeshService, name: web-frontend}\nto: [{targetRef: {kind: MeshService, name: web-backend}}]',
      expected: [v('spec.to[0].default', "at least one of: 'connectionLimits' or 'outlierDetection' should be configured")],
    },
    {
      title: 'limits cannot be 0 when specified',
      spec: toBackend('{connectionLimits: {maxConnections: 0, maxConnectionPools: 0, maxPendingRequests: 0, maxRetries: 0, maxRequests: 0}}'),
      expected: ['maxConnections', 'maxConnectionPools', 'maxPendingRequests', 'maxRetries', 'maxRequests'].map((k) =>
        v(`spec.to[0].default.connectionLimits.${k}`, 'must be greater than 0'),
      ),
    },
    {
      title: "outlierDetection's numbers other than percentages cannot be 0 when specified",
      spec: toBackend(`{outlierDetection: {
        interval: 0s, baseEjectionTime: 0s, maxEjectionPercent: 0, healthyPanicThreshold: 0,
        detectors: {
          totalFailures: {consecutive: 0}, gatewayFailures: {consecutive: 0}, localOriginFailures: {consecutive: 0},
          successRate: {minimumHosts: 0, requestVolume: 0, standardDeviationFactor: 0},
          failurePercentage: {requestVolume: 0, minimumHosts: 0, threshold: 0}}}}`),
      expected: [
        v(`${OD}.interval`, 'must be greater than zero when defined'),
        v(`${OD}.baseEjectionTime`, 'must be greater than zero when defined'),
        v(`${OD}.detectors.totalFailures.consecutive`, 'must be greater than 0'),
        v(`${OD}.detectors.gatewayFailures.consecutive`, 'must be greater than 0'),
        v(`${OD}.detectors.localOriginFailures.consecutive`, 'must be greater than 0'),
        v(`${OD}.detectors.successRate.minimumHosts`, 'must be greater than 0'),
        v(`${OD}.detectors.successRate.requestVolume`, 'must be greater than 0'),
        v(`${OD}.detectors.successRate.standardDeviationFactor`, 'must be greater than 0'),
        v(`${OD}.detectors.failurePercentage.minimumHosts`, 'must be greater than 0'),
        v(`${OD}.detectors.failurePercentage.requestVolume`, 'must be greater than 0'),
      ],
    },
    {
      title: 'percentages above 100',
      spec: toBackend('{outlierDetection: {maxEjectionPercent: 101, detectors: {failurePercentage: {threshold: 101}}, healthyPanicThreshold: 101}}'),
      expected: [
        v(`${OD}.maxEjectionPercent`, 'must be in inclusive range [0, 100]'),
        v(`${OD}.healthyPanicThreshold`, 'must be in inclusive range [0.0, 100.0]'),
        v(`${OD}.detectors.failurePercentage.threshold`, 'must be in inclusive range [0, 100]'),
      ],
    },
    {
      title: 'negative decimals: a panic threshold below 0 and a stdev factor of -2',
      spec: toBackend('{outlierDetection: {detectors: {successRate: {standardDeviationFactor: -2}}, healthyPanicThreshold: "-3.5"}}'),
      expected: [v(`${OD}.healthyPanicThreshold`, 'must be in inclusive range [0.0, 100.0]'), v(`${OD}.detectors.successRate.standardDeviationFactor`, 'must be greater than 0')],
    },
    {
      title: 'detectors are not defined (even with disabled: true, as in Kuma)',
      spec: toBackend('{outlierDetection: {disabled: true, maxEjectionPercent: 100}}'),
      expected: [v(`${OD}.detectors`, 'must be defined')],
    },
    {
      title: 'detectors are empty',
      spec: toBackend('{outlierDetection: {maxEjectionPercent: 100, detectors: {}}}'),
      expected: [v(`${OD}.detectors`, 'must have at least one defined: totalFailures, gatewayFailures, localOriginFailures, successRate, failurePercentage')],
    },
    {
      title: 'stricter than Kuma: a stdev factor whose thousandths overflow Envoy\'s uint32',
      spec: toBackend('{outlierDetection: {detectors: {successRate: {standardDeviationFactor: "4294967.5"}}}}'),
      expected: [v(`${OD}.detectors.successRate.standardDeviationFactor`, 'must be at most 4294967; got "4294967.5"')],
    },
    {
      title: 'numbers that are not numbers',
      spec: toBackend('{outlierDetection: {detectors: {successRate: {standardDeviationFactor: "xyz"}}, healthyPanicThreshold: "half"}}'),
      expected: [v(`${OD}.healthyPanicThreshold`, 'string must be a valid number'), v(`${OD}.detectors.successRate.standardDeviationFactor`, 'invalid number')],
    },
    {
      title: 'the schema refuses negative counts, fractions and bad durations',
      spec: toBackend('{connectionLimits: {maxConnections: -1, maxRequests: 1.5}, outlierDetection: {interval: 5, baseEjectionTime: -1s, detectors: {totalFailures: {consecutive: 5}}}}'),
      expected: [
        v('spec.to[0].default.connectionLimits.maxConnections', 'must be in inclusive range [0, 4294967295]; got -1'),
        v('spec.to[0].default.connectionLimits.maxRequests', 'must be a whole number; got 1.5'),
        v(`${OD}.interval`, 'must be a duration such as "10s", "1m30s" or "250ms"; got 5'),
        v(`${OD}.baseEjectionTime`, 'must be a duration such as "10s", "1m30s" or "250ms"; got "-1s"'),
      ],
    },
    {
      title: 'from targets may only be kind Mesh; a MeshService target with both name and labels',
      spec: `
from: [{targetRef: {kind: MeshService, name: frontend}, default: {connectionLimits: {maxConnections: 1}}}]
to: [{targetRef: {kind: MeshService, name: backend, labels: {app: backend}}, default: {connectionLimits: {maxConnections: 1}}}]`,
      expected: [
        v('spec.from[0].targetRef.kind', "value 'MeshService' is not supported"),
        v('spec.to[0].targetRef.labels', 'either labels or name and namespace must be specified'),
      ],
    },
  ];
  for (const c of cases) it(c.title, () => assert.deepEqual(violationsOf(c.spec), c.expected));

  const full = `
      connectionLimits: {maxConnections: 2, maxConnectionPools: 2, maxPendingRequests: 2, maxRetries: 1, maxRequests: 32}
      outlierDetection:
        disabled: false
        interval: 5s
        baseEjectionTime: 30s
        maxEjectionPercent: 20
        splitExternalAndLocalErrors: true
        healthyPanicThreshold: "70.5"
        detectors:
          totalFailures: {consecutive: 10}
          gatewayFailures: {consecutive: 10}
          localOriginFailures: {consecutive: 10}
          successRate: {minimumHosts: 5, requestVolume: 10, standardDeviationFactor: "1.9"}
          failurePercentage: {requestVolume: 10, minimumHosts: 5, threshold: 85}`;
  const valid: Record<string, string> = {
    'full example with from and to': `
targetRef: {kind: MeshService, name: web-frontend}
from:
  - targetRef: {kind: Mesh}
    default:${full}
to:
  - targetRef: {kind: MeshService, name: web-backend}
    default:${full}
  - targetRef: {kind: Mesh}
    default:${full}`,
    'minimal example: empty connectionLimits': toBackend('{connectionLimits: {}}'),
    'MeshMultiZoneService and MeshExternalService targets': `
targetRef: {kind: Mesh}
to:
- {targetRef: {kind: MeshMultiZoneService, name: web-backend}, default: {connectionLimits: {}}}
- {targetRef: {kind: MeshExternalService, name: external}, default: {connectionLimits: {}}}`,
    'top-level Dataplane to MeshExternalService': 'targetRef: {kind: Dataplane}\nto: [{targetRef: {kind: MeshExternalService, name: external}, default: {connectionLimits: {}}}]',
    'MeshGateway top level': 'targetRef: {kind: MeshGateway, name: edge}\nto: [{targetRef: {kind: MeshService, name: web-backend}, default: {connectionLimits: {}}}]',
    'a MeshService port section and percentages at the bounds': `
to:
- targetRef: {kind: MeshService, name: backend, sectionName: grpc}
  default:
    outlierDetection: {maxEjectionPercent: 100, healthyPanicThreshold: 0, detectors: {failurePercentage: {threshold: 100}}}`,
    'Dataplane section on an inbound policy': 'targetRef: {kind: Dataplane, labels: {app: web}, sectionName: main}\nfrom: [{targetRef: {kind: Mesh}, default: {connectionLimits: {maxConnections: 5}}}]',
  };
  for (const [title, spec] of Object.entries(valid)) it(`accepts: ${title}`, () => assert.deepEqual(violationsOf(spec), []));

  it('shows TARGETREF, TO and REFERENCES', () => {
    const body = parse('targetRef: {kind: MeshService, name: web}\nto: [{targetRef: {kind: Mesh}, default: {connectionLimits: {}}}, {targetRef: {kind: MeshService, name: db, sectionName: tcp}, default: {connectionLimits: {}}}]');
    const admitted = admit({ kind: meshCircuitBreakerDescriptor, name: 'mcb-1', mesh: 'default', labels: {}, body }, ctx);
    const r = { ...admitted.resource, creationTime: '', modificationTime: '', version: 1 } as Resource;
    assert.deepEqual(
      meshCircuitBreakerDescriptor.columns.map((c) => [c.header, c.value(r)]),
      [
        ['TARGETREF', 'MeshService/web'],
        ['TO', 'Mesh,MeshService/db:tcp'],
        ['REFERENCES', ''],
      ],
    );
  });
});

describe('decimalOf', () => {
  for (const [input, expected] of [
    [1900, 1900],
    ['1.9', 1.9],
    ['-3', -3],
    [' 70.5 ', 70.5],
    ['.5', 0.5],
    ['xyz', undefined],
    ['1e3', 1000],
    ['1.5x', undefined],
    ['', undefined],
  ] as const) {
    it(`${JSON.stringify(input)} is ${String(expected)}`, () => assert.equal(decimalOf(input), expected));
  }
});

describe('thousandths', () => {
  for (const [factor, expected] of [
    [1.9, 1900],
    [1.9999, 1999],
    [0.001, 1],
    [4294967, 4294967000],
  ] as const) {
    it(`${factor} is ${expected}`, () => assert.equal(thousandths(factor), expected));
  }
});
