import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../core/errors.js';
import { collectRawOptions, compileConfig } from './compile.js';
import { configForDisplay } from './control-plane-config.js';

/** Compiles from flags (by name) and an environment; no process state involved. */
function compile(flags: Record<string, string> = {}, env: Record<string, string> = {}): ReturnType<typeof compileConfig> {
  return compileConfig(collectRawOptions(flags, env));
}

function problemsOf(flags: Record<string, string>, env: Record<string, string> = {}): string[] {
  try {
    compile(flags, env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.equal(err.code, 'MP_ERR_CONFIG');
    return err.message.split('\n');
  }
  return assert.fail('expected a ConfigError');
}

describe('compileConfig', () => {
  it('fills every field with its default', () => {
    assert.deepEqual(compile(), {
      store: 'sqlite:./meshplane-data/meshplane.db',
      mode: 'zone',
      zone: 'default',
      globalKdsAddress: null,
      flatNetwork: false,
      apiHost: '127.0.0.1',
      apiPort: 5681,
      xdsHost: '127.0.0.1',
      xdsPort: 5678,
      xdsMaxResponseBytes: 4_000_000,
      dnsHost: '127.0.0.1',
      dnsPort: 5653,
      kdsHost: '127.0.0.1',
      kdsPort: 5685,
      apiBodyLimitBytes: 1048576,
      meshServiceDeletionGracePeriodMs: 3_600_000,
      meshServiceCidr: '241.0.0.0/8',
      meshMultiZoneServiceCidr: '243.0.0.0/8',
      legacyVipCidr: '240.0.0.0/4',
      vipHoldPeriodMs: 3_600_000,
      dnsTtlSeconds: 30,
      readyFile: null,
      logLevel: 'info',
    });
  });

  it('reads --flat-network as true or false, and refuses anything else', () => {
    assert.equal(compile({ 'flat-network': 'true' }).flatNetwork, true);
    assert.equal(compile({ 'flat-network': 'FALSE' }).flatNetwork, false);
    assert.throws(() => compile({ 'flat-network': 'yes' }), { message: '--flat-network: must be true or false; got "yes"' });
  });

  it('reads durations, CIDRs and the DNS TTL, and names the flag when one is wrong', () => {
    const c = compile({ 'meshservice-deletion-grace-period': '90s', 'vip-hold-period': '1h30m', 'meshservice-cidr': '10.9.0.0/16', 'dns-ttl': '5' });
    assert.equal(c.meshServiceDeletionGracePeriodMs, 90_000);
    assert.equal(c.vipHoldPeriodMs, 5_400_000);
    assert.equal(c.meshServiceCidr, '10.9.0.0/16');
    assert.equal(c.dnsTtlSeconds, 5);
    assert.throws(
      () => compile({ 'meshservice-deletion-grace-period': 'soon', 'meshservice-cidr': '241.0.0.0', 'dns-ttl': '-1' }),
      (err: unknown) =>
        err instanceof Error &&
        err.message.includes('--meshservice-deletion-grace-period: must be a duration such as 30s, 10m or 1h; got "soon"') &&
        err.message.includes('--meshservice-cidr: must be a CIDR such as 241.0.0.0/8; got "241.0.0.0"') &&
        err.message.includes('--dns-ttl: must be a whole number of seconds; got "-1"'),
    );
  });

  it('reads flags, and MESHPLANE_* variables when the flag is absent', () => {
    const c = compile(
      { 'api-port': '0', store: 'memory', 'ready-file': '/tmp/ready.json' },
      { MESHPLANE_API_PORT: '9999', MESHPLANE_XDS_PORT: '7000', MESHPLANE_ZONE: 'zone-1', MESHPLANE_LOG_LEVEL: 'debug' },
    );
    assert.equal(c.apiPort, 0, 'the flag wins over the variable');
    assert.equal(c.xdsPort, 7000);
    assert.equal(c.zone, 'zone-1');
    assert.equal(c.logLevel, 'debug');
    assert.equal(c.store, 'memory');
    assert.equal(c.readyFile, '/tmp/ready.json');
  });

  it('reads --xds-max-response-bytes (and its variable) as a positive whole number of bytes', () => {
    assert.equal(compile({ 'xds-max-response-bytes': '16777216' }).xdsMaxResponseBytes, 16_777_216);
    assert.equal(compile({}, { MESHPLANE_XDS_MAX_RESPONSE_BYTES: '1000' }).xdsMaxResponseBytes, 1000);
    assert.throws(() => compile({ 'xds-max-response-bytes': '4MiB' }), { message: '--xds-max-response-bytes: must be a whole number of bytes, at least 1; got "4MiB"' });
    assert.throws(() => compile({ 'xds-max-response-bytes': '0' }), { message: '--xds-max-response-bytes: must be a whole number of bytes, at least 1; got "0"' });
  });

  it('treats an empty variable as unset', () => {
    assert.equal(compile({}, { MESHPLANE_ZONE: '' }).zone, 'default');
  });

  it('accepts every store form', () => {
    for (const store of ['memory', 'sqlite:/var/lib/meshplane.db', 'sqlite:./data/db', 'postgres://u:p@localhost:5432/mesh', 'postgresql://db.example/mesh']) {
      assert.equal(compile({ store }).store, store);
    }
  });

  it('accepts a global control plane with a KDS port, and a zone with a global address', () => {
    const g = compile({ mode: 'global', 'kds-port': '0' });
    assert.equal(g.mode, 'global');
    assert.equal(g.kdsPort, 0);
    assert.equal(compile({ 'global-kds-address': 'grpcs://global-cp:5685', zone: 'zone-1' }).globalKdsAddress, 'grpcs://global-cp:5685');
  });

  it('lets several listeners pick free ports with 0', () => {
    const c = compile({ 'api-port': '0', 'xds-port': '0', 'dns-port': '0' });
    assert.deepEqual([c.apiPort, c.xdsPort, c.dnsPort], [0, 0, 0]);
  });
});

describe('compileConfig errors name the flag and quote the value', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['port that is not a number', { 'api-port': 'abc' }, '--api-port: must be a port number 0-65535; got "abc"'],
    ['port above 65535', { 'xds-port': '65536' }, '--xds-port: must be a port number 0-65535; got "65536"'],
    ['negative port', { 'dns-port': '-1' }, '--dns-port: must be a port number 0-65535; got "-1"'],
    ['port with a fraction', { 'api-port': '80.5' }, '--api-port: must be a port number 0-65535; got "80.5"'],
    ['empty port', { 'api-port': '' }, '--api-port: must be a port number 0-65535; got ""'],
    ['unknown store', { store: 'mysql://x' }, '--store: must be memory, sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DB; got "mysql://x"'],
    ['sqlite without a path', { store: 'sqlite:' }, '--store: must be memory, sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DB (the sqlite path is empty); got "sqlite:"'],
    ['postgres URL without a host', { store: 'postgres://' }, '--store: must be memory, sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DB (not a valid URL); got "postgres://"'],
    ['unknown mode', { mode: 'standalone' }, '--mode: must be one of: zone, global; got "standalone"'],
    ['unknown log level', { 'log-level': 'verbose' }, '--log-level: must be one of: fatal, error, warn, info, debug, trace, silent; got "verbose"'],
    ['body limit of zero', { 'api-body-limit': '0' }, '--api-body-limit: must be a whole number of bytes, at least 1; got "0"'],
    ['body limit with a unit', { 'api-body-limit': '1MB' }, '--api-body-limit: must be a whole number of bytes, at least 1; got "1MB"'],
    ['empty ready file', { 'ready-file': ' ' }, '--ready-file: must not be empty; got " "'],
    ['host with a space', { 'api-host': 'local host' }, '--api-host: must be an IP address or a host name; got "local host"'],
    ['KDS address without a port', { 'global-kds-address': 'grpcs://global' }, '--global-kds-address: must be grpc://HOST:PORT or grpcs://HOST:PORT; got "grpcs://global"'],
    ['KDS address over http', { 'global-kds-address': 'http://global:5685' }, '--global-kds-address: must be grpc://HOST:PORT or grpcs://HOST:PORT; got "http://global:5685"'],
  ];
  for (const [title, flags, expected] of cases) {
    it(title, () => assert.deepEqual(problemsOf(flags), [expected]));
  }

  it('zone name that is not an RFC 1123 label', () => {
    const [problem] = problemsOf({ zone: 'Zone_1' });
    assert.match(problem ?? '', /^--zone: a lowercase RFC 1123 label must consist of .*; got "Zone_1"$/);
  });

  it('says when the bad value came from the environment', () => {
    assert.deepEqual(problemsOf({}, { MESHPLANE_API_PORT: 'abc' }), ['--api-port (from MESHPLANE_API_PORT): must be a port number 0-65535; got "abc"']);
  });

  it('reports every bad flag at once', () => {
    assert.deepEqual(problemsOf({ 'api-port': 'x', mode: 'y' }), [
      '--mode: must be one of: zone, global; got "y"',
      '--api-port: must be a port number 0-65535; got "x"',
    ]);
  });

  it('refuses two listeners on the same port', () => {
    assert.deepEqual(problemsOf({ 'api-port': '7000', 'xds-port': '7000', 'dns-port': '7000' }), [
      '--xds-port: port 7000 is already used by --api-port',
      '--dns-port: port 7000 is already used by --api-port',
    ]);
  });

  it('refuses the default port of another listener', () => {
    assert.deepEqual(problemsOf({ 'api-port': '5678' }), ['--xds-port: port 5678 is already used by --api-port']);
  });

  it('refuses a global address or a zone on a global control plane', () => {
    assert.deepEqual(problemsOf({ mode: 'global', 'global-kds-address': 'grpc://g:5685', zone: 'z' }), [
      '--global-kds-address: only a zone control plane connects to a global one; drop it or use --mode zone',
      '--zone: a global control plane belongs to no zone; drop it or use --mode zone',
    ]);
  });

  it('refuses KDS listener flags on a zone control plane', () => {
    assert.deepEqual(problemsOf({ 'kds-port': '0', 'kds-host': '127.0.0.1' }), [
      '--kds-port: only a global control plane listens for zones; drop it or use --mode global',
      '--kds-host: only a global control plane listens for zones; drop it or use --mode global',
    ]);
  });
});

describe('configForDisplay', () => {
  it('hides a PostgreSQL password and keeps everything else', () => {
    const c = compile({ store: 'postgres://mesh:s3cret@db.example:5432/meshplane' });
    const shown = configForDisplay(c);
    assert.equal(shown.store, 'postgres://mesh:***@db.example:5432/meshplane');
    assert.deepEqual({ ...shown, store: c.store }, { ...c });
    assert.equal(configForDisplay(compile()).store, 'sqlite:./meshplane-data/meshplane.db');
  });
});
