/**
 * The real DNS server queried by the real `dig` (bind9-dnsutils), over UDP and TCP. dig must be
 * installed: without it this test fails, it does not skip.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import dnsPacket from 'dns-packet';
import pino from 'pino';
import { Registry } from 'prom-client';
import { ResourceCache } from '../../src/controllers/resource-cache.js';
import { LEGACY_VIP_TYPE } from '../../src/ipam/legacy-vip-records.js';
import { type DnsServer, startDnsServer } from '../../src/dns/dns-server.js';
import { DNS_SOURCE_TYPES } from '../../src/dns/records.js';
import { MemoryStore } from '../../src/store/memory-store.js';

const run = promisify(execFile);

function service(name: string, hostnames: string[], vips: string[], type = 'MeshService') {
  const addresses = hostnames.map((hostname) => ({ hostname, origin: 'HostnameGenerator', hostnameGeneratorRef: { coreName: 'g' } }));
  return { type, mesh: 'default', name, labels: {}, spec: {}, status: { addresses, vips: vips.map((ip) => ({ ip })) } };
}

async function dig(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(port), '+time=2', '+tries=1', ...args]);
  return stdout;
}
const statusOf = (out: string) => /status: ([A-Z]+)/.exec(out)?.[1];
const answerCount = (out: string) => Number(/ANSWER: (\d+)/.exec(out)?.[1]);

/** Sends raw bytes over UDP and waits (with a deadline) for one reply, or resolves undefined. */
function sendUdp(port: number, bytes: Buffer, waitMs = 500): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => finish(undefined), waitMs);
    const finish = (b: Buffer | undefined) => {
      clearTimeout(timer);
      socket.close();
      resolve(b);
    };
    socket.on('message', (m) => finish(m));
    socket.send(bytes, port, '127.0.0.1');
  });
}

describe('DNS server, queried with dig', () => {
  const store = new MemoryStore();
  const cache = new ResourceCache({ store, types: DNS_SOURCE_TYPES });
  let server: DnsServer;
  let short: DnsServer;
  const metrics = new Registry();

  before(async () => {
    try {
      await run('dig', ['-v']);
    } catch (err) {
      throw new Error(`the DNS end-to-end test needs the 'dig' binary (apt-get install -y bind9-dnsutils): ${String(err)}`);
    }
    await store.create({ type: 'Mesh', mesh: '', name: 'default', labels: {}, spec: {} });
    await store.create({ type: LEGACY_VIP_TYPE, mesh: 'default', name: 'web', labels: {}, spec: { service: 'web', vip: '240.0.0.4' } });
    await store.create(service('backend', ['backend.svc.mesh.local'], ['241.0.0.3']));
    await store.create(service('global', ['global.mzsvc.mesh.local'], ['243.0.0.1'], 'MeshMultiZoneService'));
    await store.create(service('six', ['six.svc.mesh.local'], ['fd00:241::6']));
    await cache.start();
    const logger = pino({ level: 'silent' });
    server = await startDnsServer({ cache, host: '127.0.0.1', port: 0, logger, metrics });
    short = await startDnsServer({ cache, host: '127.0.0.1', port: 0, ttlSeconds: 5, logger });
  });

  after(async () => {
    await server?.close();
    await short?.close();
    cache.stop();
  });

  it('answers A for MeshService, MMZS and legacy names over UDP and TCP', async () => {
    assert.equal(server.address, '127.0.0.1');
    assert.notEqual(server.port, 0);
    assert.equal(await dig(server.port, '+short', 'backend.svc.mesh.local'), '241.0.0.3\n');
    assert.equal(await dig(server.port, '+tcp', '+short', 'backend.svc.mesh.local'), '241.0.0.3\n');
    assert.equal(await dig(server.port, '+short', 'global.mzsvc.mesh.local'), '243.0.0.1\n');
    assert.equal(await dig(server.port, '+tcp', '+short', 'web.mesh'), '240.0.0.4\n');
    assert.equal(await dig(server.port, '+short', 'BACKEND.Svc.Mesh.Local.'), '241.0.0.3\n', 'names are case-insensitive');
    assert.equal(await dig(server.port, '+short', 'AAAA', 'six.svc.mesh.local'), 'fd00:241::6\n');
    assert.equal(answerCount(await dig(server.port, 'A', 'six.svc.mesh.local')), 0, 'no A record for an IPv6 VIP');
  });

  it('echoes EDNS, and answers other opcodes with NOTIMP', async () => {
    assert.match(await dig(server.port, '+edns=0', 'backend.svc.mesh.local'), /; EDNS: version: 0, flags:; udp: 1232/);
    assert.doesNotMatch(await dig(server.port, '+noedns', 'backend.svc.mesh.local'), /EDNS/);
    assert.equal(statusOf(await dig(server.port, '+opcode=notify', 'backend.svc.mesh.local')), 'NOTIMP');
  });

  it('rebuilds its table once per query after a burst of changes, not once per change', async () => {
    const rebuilds = async () => Number(/meshplane_dns_table_rebuilds_total (\d+)/.exec(await metrics.metrics())?.[1]);
    await dig(server.port, '+short', 'backend.svc.mesh.local');
    const before = await rebuilds();
    for (let i = 0; i < 50; i++) await store.create(service(`burst-${i}`, [`burst-${i}.svc.mesh.local`], [`241.0.1.${i}`]));
    assert.equal(await rebuilds(), before, 'changes alone rebuild nothing');
    assert.equal(await dig(server.port, '+short', 'burst-49.svc.mesh.local'), '241.0.1.49\n');
    assert.equal(await dig(server.port, '+short', 'burst-0.svc.mesh.local'), '241.0.1.0\n');
    assert.equal(await rebuilds(), before + 1);
    const b = await store.get({ type: 'MeshService', mesh: 'default', name: 'burst-0' });
    assert.ok(b);
    await store.update({ ...b, status: { ...(b.status as object), dataplaneProxies: { connected: 1, healthy: 1, total: 1 } } });
    assert.equal(await dig(server.port, '+short', 'burst-0.svc.mesh.local'), '241.0.1.0\n');
    assert.equal(await rebuilds(), before + 1, 'a status change that keeps names and VIPs rebuilds nothing');
  });

  it('gives the configured TTL, 30 s by default, and answers authoritatively', async () => {
    const answer = (out: string) => out.trim().split(/\s+/);
    assert.deepEqual(answer(await dig(server.port, '+noall', '+answer', 'backend.svc.mesh.local')), ['backend.svc.mesh.local.', '30', 'IN', 'A', '241.0.0.3']);
    assert.deepEqual(answer(await dig(short.port, '+tcp', '+noall', '+answer', 'backend.svc.mesh.local')), ['backend.svc.mesh.local.', '5', 'IN', 'A', '241.0.0.3']);
    assert.match(await dig(server.port, 'backend.svc.mesh.local'), /flags: qr aa rd;/);
  });

  it('says NXDOMAIN for unknown names and NOERROR without answers for other types of a known name', async () => {
    for (const transport of ['+notcp', '+tcp']) {
      const unknown = await dig(server.port, transport, 'nobody.svc.mesh.local');
      assert.equal(statusOf(unknown), 'NXDOMAIN', transport);
      assert.equal(answerCount(unknown), 0);
      const aaaa = await dig(server.port, transport, 'AAAA', 'backend.svc.mesh.local');
      assert.equal(statusOf(aaaa), 'NOERROR', transport);
      assert.equal(answerCount(aaaa), 0);
      const txt = await dig(server.port, transport, 'TXT', 'backend.svc.mesh.local');
      assert.equal(statusOf(txt), 'NOERROR', transport);
      assert.equal(answerCount(txt), 0);
    }
    assert.equal(statusOf(await dig(server.port, 'CH', 'TXT', 'version.bind')), 'REFUSED');
  });

  it('sees changes made after it started (rebuilt on the next query)', async () => {
    assert.equal(statusOf(await dig(server.port, 'later.svc.mesh.local')), 'NXDOMAIN');
    await store.create(service('later', ['later.svc.mesh.local'], ['241.0.0.9']));
    assert.equal(await dig(server.port, '+short', 'later.svc.mesh.local'), '241.0.0.9\n');
    await store.delete({ type: 'MeshService', mesh: 'default', name: 'later' });
    assert.equal(statusOf(await dig(server.port, 'later.svc.mesh.local')), 'NXDOMAIN');
  });

  it('survives malformed packets: FORMERR when the header is readable, silence otherwise', async () => {
    assert.equal(await sendUdp(server.port, Buffer.from([1, 2, 3, 4, 5])), undefined, 'too short to answer');
    // A header that promises one question, followed by a name label running past the end.
    const truncated = Buffer.from([0xbe, 0xef, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 40, 0x61, 0x62]);
    const reply = await sendUdp(server.port, truncated);
    assert.ok(reply, 'a FORMERR reply');
    const decoded = dnsPacket.decode(reply);
    assert.equal(decoded.id, 0xbeef);
    assert.equal((decoded as unknown as { rcode: string }).rcode, 'FORMERR');
    const twoQuestions = dnsPacket.encode({ type: 'query', id: 7, questions: [{ type: 'A', name: 'a.mesh' }, { type: 'A', name: 'b.mesh' }] });
    const formerr = await sendUdp(server.port, twoQuestions);
    assert.equal((dnsPacket.decode(formerr ?? Buffer.alloc(0)) as unknown as { rcode: string }).rcode, 'FORMERR');
    const responseSent = dnsPacket.encode({ type: 'response', id: 8, questions: [{ type: 'A', name: 'backend.svc.mesh.local' }] });
    assert.equal(await sendUdp(server.port, responseSent, 300), undefined, 'responses are never answered');

    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(server.port, '127.0.0.1', () => socket.write(Buffer.from([0, 3, 9, 9, 9])));
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    assert.equal(await dig(server.port, '+short', 'backend.svc.mesh.local'), '241.0.0.3\n', 'UDP still answers');
    assert.equal(await dig(server.port, '+tcp', '+short', 'backend.svc.mesh.local'), '241.0.0.3\n', 'TCP still answers');
  });
});
