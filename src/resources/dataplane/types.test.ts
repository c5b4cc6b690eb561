import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admit } from '../../core/admission.js';
import type { Resource } from '../../core/resource.js';
import { dataplaneDescriptor } from './descriptor.js';
import { addressesOverlap, isDnsName, isIpAddress, proxyAddressErrors } from './network-address.js';
import { type DataplaneSpec, type Inbound, inboundsOf, isInboundHealthy, serviceTagsOf } from './types.js';

const spec: DataplaneSpec = {
  networking: {
    address: '10.0.0.1',
    inbound: [
      { port: 8080, tags: { 'kuma.io/service': 'backend', version: 'v1', 'kuma.io/protocol': 'http' } },
      { port: 8081, tags: { 'kuma.io/service': 'backend-admin', version: 'v1' } },
      { port: 8082, tags: { 'kuma.io/service': 'backend', team: 'core' } },
    ],
  },
};

describe('Dataplane helpers', () => {
  it('inboundsOf returns the inbounds, or none', () => {
    assert.equal(inboundsOf(spec).length, 3);
    assert.deepEqual(inboundsOf({}), []);
    assert.deepEqual(inboundsOf({ networking: { address: 'a' } }), []);
  });

  it('serviceTagsOf lists each kuma.io/service value once, in order', () => {
    assert.deepEqual(serviceTagsOf(spec), ['backend', 'backend-admin']);
    assert.deepEqual(serviceTagsOf({ networking: { inbound: [{ port: 1 }] } }), []);
  });

  const health: [string, Inbound, boolean][] = [
    ['no state and no health', { port: 1 }, true],
    ['Ready', { port: 1, state: 'Ready' }, true],
    ['Ready and health ready', { port: 1, state: 'Ready', health: { ready: true } }, true],
    ['Ready but health not ready', { port: 1, state: 'Ready', health: { ready: false } }, false],
    ['health present without ready (proto false)', { port: 1, health: {} }, false],
    ['NotReady', { port: 1, state: 'NotReady', health: { ready: true } }, false],
    ['Ignored', { port: 1, state: 'Ignored' }, false],
  ];
  for (const [title, inbound, healthy] of health) {
    it(`isInboundHealthy: ${title} -> ${healthy}`, () => assert.equal(isInboundHealthy(inbound), healthy));
  }

  it('shows ADDRESS, SERVICES and short TAGS columns', () => {
    const r: Resource = { type: 'Dataplane', mesh: 'default', name: 'dp-1', labels: {}, creationTime: '', modificationTime: '', version: 1, spec };
    const cols = Object.fromEntries(dataplaneDescriptor.columns.map((c) => [c.header, c.value(r)]));
    assert.deepEqual(cols, { ADDRESS: '10.0.0.1', SERVICES: 'backend,backend-admin', TAGS: 'kuma.io/protocol=http team=core version=v1' });
    const gw: Resource = { ...r, spec: { networking: { address: 'gw.local', gateway: { tags: { 'kuma.io/service': 'edge', zone: 'a'.repeat(70) } } } } };
    const gwCols = Object.fromEntries(dataplaneDescriptor.columns.map((c) => [c.header, c.value(gw)]));
    assert.equal(gwCols.SERVICES, 'edge');
    assert.equal(gwCols.TAGS, `zone=${'a'.repeat(52)}...`);
  });

  it('admission stores state numbers by name and computes the labels Kuma computes for Dataplanes', () => {
    const admitted = admit(
      {
        kind: dataplaneDescriptor,
        name: 'dp-1',
        mesh: 'default',
        labels: { app: 'web' },
        body: { networking: { address: '10.0.0.1', inbound: [{ port: 80, state: 1, tags: { 'kuma.io/service': 'web' } }] } },
      },
      { mode: 'zone', zone: 'east', environment: 'universal' },
    );
    assert.deepEqual(admitted.resource.spec, {
      networking: { address: '10.0.0.1', inbound: [{ port: 80, state: 'NotReady', tags: { 'kuma.io/service': 'web' } }] },
    });
    assert.deepEqual(admitted.resource.labels, {
      app: 'web',
      'kuma.io/display-name': 'dp-1',
      'kuma.io/mesh': 'default',
      'kuma.io/origin': 'zone',
      'kuma.io/zone': 'east',
      'kuma.io/env': 'universal',
    });
  });
});

describe('network addresses', () => {
  it('reads IPs as Go does (no zone suffix) and DNS names as govalidator does', () => {
    assert.deepEqual(['192.168.0.1', '::1', '0:0:0:0:0:FFFF:C0A8:0001', 'fe80::1%eth0', '1.2.3'].map(isIpAddress), [true, true, true, false, false]);
    assert.deepEqual(['example.com', 'my_host.local.', 'a', '-a.com', '..>_<..', '192.168.0.1', `${'a'.repeat(64)}.com`].map(isDnsName), [
      true, true, true, false, false, false, false,
    ]);
  });

  it('proxyAddressErrors gives every problem of the proxy address', () => {
    assert.deepEqual(proxyAddressErrors(undefined), ["address can't be empty"]);
    assert.deepEqual(proxyAddressErrors('::'), ['must not be 0.0.0.0 or ::']);
    assert.deepEqual(proxyAddressErrors('not valid!'), ['address has to be valid IP address or domain name']);
    assert.deepEqual(proxyAddressErrors('10.0.0.1'), []);
  });

  it('addresses overlap when equal (IPv4-mapped too) or when either is the wildcard, never for names', () => {
    assert.equal(addressesOverlap('127.0.0.1', '127.0.0.1'), true);
    assert.equal(addressesOverlap('127.0.0.1', '::ffff:127.0.0.1'), true);
    assert.equal(addressesOverlap('127.0.0.1', '0.0.0.0'), true);
    assert.equal(addressesOverlap('::', '10.0.0.1'), true);
    assert.equal(addressesOverlap('127.0.0.1', '10.0.0.1'), false);
    assert.equal(addressesOverlap('localhost', 'localhost'), false);
  });
});
