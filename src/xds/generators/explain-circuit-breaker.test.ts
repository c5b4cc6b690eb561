/**
 * The explain view of the `circuit-breaker` golden case: every MeshCircuitBreaker setting of a
 * port, with the policy it came from, in Kuma's merge order; and for the gRPC client the note
 * naming what it does not apply.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sourcePath } from '../../../test/support/golden.js';
import { clientOfNode, proxyContextOf } from '../proxy-context.js';
import { type DestinationsExplain, explainDestinations } from './explain-destinations.js';
import { resourcesFromYaml, StaticView } from './input-fixtures.js';

const CASE = sourcePath(import.meta.url, join('testdata', 'circuit-breaker'));
const view = new StaticView(resourcesFromYaml(readFileSync(join(CASE, 'resources.input.yaml'), 'utf8')));

function explain(dataplane: string, node?: unknown): DestinationsExplain {
  const result = proxyContextOf(view, `default.${dataplane}`, { client: clientOfNode(node) });
  assert.ok(result.ok, result.ok ? '' : result.reason);
  return explainDestinations(result.context);
}

function port(e: DestinationsExplain, sectionName: string) {
  const found = e.destinations.find((d) => d.name === 'backend')?.ports.find((p) => p.sectionName === sectionName);
  assert.ok(found, `port ${sectionName}`);
  return found;
}

const MESH = 'MeshCircuitBreaker/mesh-defaults';
const SERVICE = 'MeshCircuitBreaker/backend-limits';
const PORT = 'MeshCircuitBreaker/backend-grpc-limits';

describe('explain: MeshCircuitBreaker settings and where they came from', () => {
  const grpc = explain('grpc-client', { id: 'default.grpc-client', user_agent_name: 'gRPC Node Pure JS' });

  // Settings read in the schema's field order (admission stores every spec in that order).
  it('port grpc merges Mesh-wide, per-service and per-port entries, the port entry winning maxRequests', () => {
    assert.deepEqual(port(grpc, 'grpc').circuitBreakers, [
      { setting: 'connectionLimits.maxConnections', value: 1024, from: MESH },
      { setting: 'connectionLimits.maxPendingRequests', value: 1024, from: MESH },
      { setting: 'connectionLimits.maxRetries', value: 3, from: MESH },
      { setting: 'connectionLimits.maxRequests', value: 2, from: PORT },
      { setting: 'outlierDetection.disabled', value: false, from: MESH },
      { setting: 'outlierDetection.detectors.totalFailures.consecutive', value: 5, from: MESH },
      { setting: 'outlierDetection.interval', value: '5s', from: SERVICE },
      { setting: 'outlierDetection.baseEjectionTime', value: '30s', from: SERVICE },
      { setting: 'outlierDetection.maxEjectionPercent', value: 50, from: SERVICE },
      { setting: 'outlierDetection.detectors.failurePercentage.minimumHosts', value: 2, from: SERVICE },
      { setting: 'outlierDetection.detectors.failurePercentage.requestVolume', value: 20, from: SERVICE },
      { setting: 'outlierDetection.detectors.failurePercentage.threshold', value: 60, from: SERVICE },
      { setting: 'outlierDetection.detectors.successRate.standardDeviationFactor', value: '1.9', from: PORT },
      { setting: 'outlierDetection.healthyPanicThreshold', value: 0, from: PORT },
    ]);
  });

  it('the unnamed port gets the per-service maxRequests, not the grpc port entry', () => {
    const limits = port(grpc, '9901').circuitBreakers.find((s) => s.setting === 'connectionLimits.maxRequests');
    assert.deepEqual(limits, { setting: 'connectionLimits.maxRequests', value: 100, from: SERVICE });
  });

  it('a gRPC client is told which settings it does not apply', () => {
    assert.deepEqual(port(grpc, 'grpc').notes, [
      'gRPC clients apply only connectionLimits.maxRequests and outlier detection by successRate or failurePercentage; not applied: ' +
        `connectionLimits.maxConnections (${MESH}), connectionLimits.maxPendingRequests (${MESH}), connectionLimits.maxRetries (${MESH}), ` +
        `outlierDetection.detectors.totalFailures.consecutive (${MESH}), outlierDetection.healthyPanicThreshold (${PORT})`,
    ]);
  });

  it("on web, the Dataplane-level policy merges last and disables outlier detection; a sidecar gets no gRPC note", () => {
    const web = explain('web');
    const settings = port(web, 'grpc').circuitBreakers;
    assert.deepEqual(settings.find((s) => s.setting === 'outlierDetection.disabled'), { setting: 'outlierDetection.disabled', value: true, from: 'MeshCircuitBreaker/web-only' });
    assert.deepEqual(settings.find((s) => s.setting === 'connectionLimits.maxRequests'), { setting: 'connectionLimits.maxRequests', value: 2, from: PORT });
    assert.deepEqual(port(web, 'grpc').notes, []);
  });
});
