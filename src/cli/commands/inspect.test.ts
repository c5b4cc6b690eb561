import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configTables, destinationsTables } from './inspect.js';

const DESTINATIONS = {
  dataplane: 'web',
  mesh: 'default',
  client: 'proxyless',
  notes: [],
  destinations: [
    {
      kind: 'MeshService',
      name: 'backend',
      zone: 'zone-1',
      via: 'reachable',
      vips: ['241.0.0.1'],
      hostnames: ['backend.svc.mesh.local'],
      ports: [
        {
          port: 8080,
          sectionName: 'grpc',
          appProtocol: 'grpc',
          endpoints: 2,
          routes: [
            {
              from: 'MeshHTTPRoute/split',
              match: 'PathPrefix /',
              backends: [
                { weight: 90, target: 'MeshService/backend:grpc' },
                { weight: 10, target: "MeshService 'gone' port 80", unresolved: 'does not exist' },
              ],
            },
          ],
          timeouts: [{ setting: 'http.requestTimeout', value: '2s', from: 'MeshTimeout/t' }],
          retries: [{ setting: 'grpc.retryOn', value: ['Unavailable'], from: 'MeshRetry/r' }],
          circuitBreakers: [{ setting: 'connectionLimits.maxRequests', value: 2, from: 'MeshCircuitBreaker/cb' }],
          notes: ['a note'],
        },
      ],
    },
  ],
};

describe('inspect dataplane tables', () => {
  it('destinations: one line per port, then routes with shares, then settings with their source, then notes', () => {
    assert.equal(
      destinationsTables(DESTINATIONS),
      [
        'Dataplane default/web (proxyless client)',
        '',
        'DESTINATION           VIA         ZONE     PORT        PROTOCOL   VIPS        HOSTNAMES                ENDPOINTS   ROUTED BY             POLICIES',
        'MeshService/backend   reachable   zone-1   8080/grpc   grpc       241.0.0.1   backend.svc.mesh.local   2           MeshHTTPRoute/split   MeshTimeout/t,MeshRetry/r,MeshCircuitBreaker/cb',
        '',
        'DESTINATION           PORT        ROUTE                 MATCH          BACKENDS',
        "MeshService/backend   8080/grpc   MeshHTTPRoute/split   PathPrefix /   90% MeshService/backend:grpc, 10% MeshService 'gone' port 80 (UNRESOLVED: fails closed)",
        '',
        'DESTINATION           PORT        SETTING                                        VALUE             FROM',
        'MeshService/backend   8080/grpc   timeout http.requestTimeout                    2s                MeshTimeout/t',
        'MeshService/backend   8080/grpc   retry grpc.retryOn                             ["Unavailable"]   MeshRetry/r',
        'MeshService/backend   8080/grpc   circuit breaker connectionLimits.maxRequests   2                 MeshCircuitBreaker/cb',
        '',
        'NOTES',
        '- MeshService/backend port grpc: a note',
        '',
      ].join('\n'),
    );
  });

  it('config: the xDS status per type, the last NACK, and the resources', () => {
    const text = configTables({
      nodeId: 'default.web',
      client: 'envoy',
      source: 'snapshot',
      xds: {
        connectedStreams: 1,
        types: { LDS: { lastSentVersion: 'a1', lastAckedVersion: 'a0', acks: 3, nacks: 1, upToDate: false } },
        lastNack: { type: 'LDS', version: 'a1', message: 'bad listener' },
      },
      resources: { listeners: [{ name: 'outbound:241.0.0.1:8080' }], endpoints: [{ cluster_name: 'c' }] },
    });
    assert.equal(
      text,
      [
        'Node default.web (envoy client); resources: what the xDS server serves it now',
        'xDS: 1 connected stream(s)',
        'last NACK (LDS, version a1): bad listener',
        '',
        'TYPE   SENT   ACKED   ACKS   NACKS   UP TO DATE',
        'LDS    a1     a0      3      1       no',
        '',
        'RESOURCE    NAME',
        'listeners   outbound:241.0.0.1:8080',
        'endpoints   c',
        '',
      ].join('\n'),
    );
  });
});
