/**
 * Checks bootstrap documents with the consumers' own rules: Envoy's with the strict encoder against
 * envoy.config.bootstrap.v3.Bootstrap (the proto ships in @grpc/grpc-js-xds but the control plane
 * never loads it, so it is loaded here, for tests only), gRPC's with @grpc/grpc-js-xds's own
 * `validateBootstrapConfig`, the function GRPC_XDS_BOOTSTRAP goes through.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import protobuf from 'protobufjs';
import { toCheckedObject } from '../../../src/xds/envoy/strict-object.js';

/** Loaded only by tests: the Bootstrap message and the extension the ADS cluster's options name. */
export const BOOTSTRAP_TEST_PROTO_FILES: readonly string[] = [
  'envoy/config/bootstrap/v3/bootstrap.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
];

const require = createRequire(import.meta.url);
let root: protobuf.Root | undefined;

function bootstrapRoot(): protobuf.Root {
  if (root !== undefined) return root;
  const xdsRoot = dirname(require.resolve('@grpc/grpc-js-xds/package.json'));
  const dirs = [...['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => join(xdsRoot, 'deps', d)), dirname(require.resolve('protobufjs/package.json'))];
  const loaded = new protobuf.Root();
  loaded.resolvePath = (origin: string, target: string): string => dirs.map((d) => join(d, target)).find((p) => existsSync(p)) ?? protobuf.util.path.resolve(origin, target);
  loaded.loadSync([...BOOTSTRAP_TEST_PROTO_FILES], { keepCase: true });
  loaded.resolveAll();
  root = loaded;
  return loaded;
}

/** Every problem the strict encoder finds in `doc` as an Envoy Bootstrap (empty: valid); also encodes it. */
export function envoyBootstrapProblems(doc: unknown): string[] {
  const r = bootstrapRoot();
  const type = r.lookupType('envoy.config.bootstrap.v3.Bootstrap');
  const problems: string[] = [];
  const typeForUrl = (url: string): protobuf.Type | undefined => {
    const found = r.lookup(url.slice(url.lastIndexOf('/') + 1));
    return found instanceof protobuf.Type ? found : undefined;
  };
  const checked = toCheckedObject(type, doc, '', { typeForUrl, problems });
  if (problems.length === 0) type.encode(type.fromObject(checked)).finish();
  return problems;
}

interface GrpcBootstrapInfo {
  readonly xdsServers: readonly { readonly server_uri: string; readonly channel_creds: readonly { readonly type: string }[]; readonly server_features: readonly string[] }[];
  readonly node: { readonly id: string; readonly cluster?: string; readonly locality: Record<string, unknown> };
}

/** @grpc/grpc-js-xds's reading of a bootstrap; throws its own error when it would refuse it. */
export function validateGrpcBootstrap(doc: unknown): GrpcBootstrapInfo {
  const lib = require('@grpc/grpc-js-xds/build/src/xds-bootstrap') as { validateBootstrapConfig(obj: unknown): GrpcBootstrapInfo };
  return lib.validateBootstrapConfig(doc);
}
