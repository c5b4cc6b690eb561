/**
 * `meshplane dataplane bootstrap` against a real `meshplane run`: the Envoy YAML passes the strict
 * encoder as envoy.config.bootstrap.v3.Bootstrap, the --proxyless JSON passes grpc-js-xds's own
 * bootstrap validation, both name the xDS address from the run's ready line; errors read well.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { runMeshplane } from '../support/process.js';
import { envoyBootstrapProblems, validateGrpcBootstrap } from '../support/xds-clients/bootstrap-validation.js';
import { dataplaneYaml, MeshplaneRun } from '../support/xds-clients/meshplane-run-harness.js';

describe('meshplane dataplane bootstrap', () => {
  let run: MeshplaneRun;
  let xdsPort = 0;
  const bootstrap = (...args: string[]) => runMeshplane(['--api-url', run.apiUrl, 'dataplane', 'bootstrap', ...args]);

  before(async () => {
    run = await MeshplaneRun.start();
    xdsPort = Number(run.xdsAddress.split(':').at(-1));
    await run.apply(dataplaneYaml('web-1', 'web', '127.0.0.1', 9000));
  });
  after(async () => run?.stop());

  it('prints an Envoy bootstrap YAML for <mesh>.<name> with ADS at the bound xDS address', async () => {
    const out = await bootstrap('--mesh', 'default', '--name', 'web-1');
    assert.equal(out.code, 0, out.stderr);
    const doc = parse(out.stdout) as Record<string, unknown>;
    assert.deepEqual(envoyBootstrapProblems(doc), []);
    assert.deepEqual(doc.node, { id: 'default.web-1', cluster: 'web' });
    assert.deepEqual(doc.admin, { address: { socket_address: { address: '127.0.0.1', port_value: 9901 } } });
    const dynamic = doc.dynamic_resources as Record<string, unknown>;
    assert.deepEqual(dynamic.lds_config, { ads: {}, resource_api_version: 'V3' });
    assert.deepEqual(dynamic.cds_config, { ads: {}, resource_api_version: 'V3' });
    assert.deepEqual((dynamic.ads_config as Record<string, unknown>).grpc_services, [{ envoy_grpc: { cluster_name: 'ads_cluster' } }]);
    const [cluster] = (doc.static_resources as { clusters: Record<string, unknown>[] }).clusters;
    assert.equal(cluster?.name, 'ads_cluster');
    assert.deepEqual(cluster?.load_assignment, {
      cluster_name: 'ads_cluster',
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: xdsPort } } } }] }],
    });
  });

  it('prints the gRPC xDS bootstrap JSON with --proxyless, which grpc-js-xds accepts', async () => {
    const out = await bootstrap('--name', 'web-1', '--proxyless');
    assert.equal(out.code, 0, out.stderr);
    const info = validateGrpcBootstrap(JSON.parse(out.stdout));
    assert.deepEqual(info.xdsServers.map((s) => s.server_uri), [`127.0.0.1:${xdsPort}`]);
    assert.deepEqual([info.node.id, info.node.locality], ['default.web-1', {}]);
  });

  it('puts --xds-address in the bootstrap instead of the bound address', async () => {
    const out = await bootstrap('--name', 'web-1', '--proxyless', '--xds-address', 'cp.mesh.internal:15678');
    assert.equal(out.code, 0, out.stderr);
    assert.equal((JSON.parse(out.stdout) as { xds_servers: { server_uri: string }[] }).xds_servers[0]?.server_uri, 'cp.mesh.internal:15678');
  });

  it('fails for a Dataplane that does not exist, and on a malformed --xds-address (usage error)', async () => {
    const missing = await bootstrap('--name', 'web-9');
    assert.deepEqual([missing.code, missing.stdout, missing.stderr], [1, '', 'Error: Dataplane "web-9" in mesh "default": Not found\n']);
    const malformed = await bootstrap('--name', 'web-1', '--xds-address', '127.0.0.1');
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /--xds-address <host:port>' argument '127\.0\.0\.1' is invalid\. must be HOST:PORT/);
    const noName = await bootstrap('--mesh', 'default');
    assert.equal(noName.code, 2);
    assert.match(noName.stderr, /required option '--name <name>' not specified/);
  });
});
