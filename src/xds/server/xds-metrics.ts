/**
 * Prometheus metrics of the ADS server. Reuses metrics already registered in the given registry,
 * so several servers (tests, restarts) can share one.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { resourceTypeInfo } from '../envoy/type-urls.js';

export type XdsProtocol = 'sotw' | 'delta';

export interface XdsMetrics {
  /** One response sent, with its serialized size. */
  response(typeUrl: string, protocol: XdsProtocol, bytes: number): void;
  /** A response over the size limit was sent anyway (SotW, or one delta resource too big alone). */
  oversized(typeUrl: string, protocol: XdsProtocol): void;
  ack(typeUrl: string): void;
  nack(typeUrl: string): void;
  streams(protocol: XdsProtocol, delta: 1 | -1): void;
}

/** The metrics label for a type URL: LDS, RDS, CDS, EDS, SDS, or the URL itself. */
export function typeLabel(typeUrl: string): string {
  return resourceTypeInfo(typeUrl)?.shortName ?? typeUrl;
}

function counter(registry: Registry, name: string, help: string, labelNames: string[]): Counter<string> {
  const existing = registry.getSingleMetric(name);
  return existing instanceof Counter ? existing : new Counter({ name, help, labelNames, registers: [registry] });
}

const MIB = 1024 * 1024;
/** 1 KiB to 64 MiB; 4 MiB is a boundary because it is the default receive limit of xDS clients. */
export const RESPONSE_BYTES_BUCKETS: readonly number[] = [1024, 4096, 16384, 65536, 262144, MIB, 2 * MIB, 4 * MIB, 8 * MIB, 16 * MIB, 32 * MIB, 64 * MIB];

function histogram(registry: Registry, name: string, help: string, labelNames: string[], buckets: readonly number[]): Histogram<string> {
  const existing = registry.getSingleMetric(name);
  return existing instanceof Histogram ? existing : new Histogram({ name, help, labelNames, buckets: [...buckets], registers: [registry] });
}

export function createXdsMetrics(registry: Registry = new Registry()): XdsMetrics {
  const nacks = counter(registry, 'meshplane_xds_nacks_total', 'xDS responses a proxy rejected (NACK), by type', ['type']);
  const acks = counter(registry, 'meshplane_xds_acks_total', 'xDS responses a proxy accepted (ACK), by type', ['type']);
  const responses = counter(registry, 'meshplane_xds_responses_total', 'xDS responses sent, by type and protocol', ['type', 'protocol']);
  const responseBytes = histogram(
    registry,
    'meshplane_xds_response_bytes',
    'Serialized size of xDS responses (DiscoveryResponse, DeltaDiscoveryResponse), by type and protocol',
    ['type', 'protocol'],
    RESPONSE_BYTES_BUCKETS,
  );
  const oversized = counter(
    registry,
    'meshplane_xds_oversized_responses_total',
    'xDS responses sent although over --xds-max-response-bytes (a client with a smaller receive limit ends the stream), by type and protocol',
    ['type', 'protocol'],
  );
  const existingGauge = registry.getSingleMetric('meshplane_xds_streams');
  const streams =
    existingGauge instanceof Gauge
      ? existingGauge
      : new Gauge({ name: 'meshplane_xds_streams', help: 'Open ADS streams, by protocol', labelNames: ['protocol'], registers: [registry] });
  return {
    response: (typeUrl, protocol, bytes) => {
      responses.inc({ type: typeLabel(typeUrl), protocol });
      responseBytes.observe({ type: typeLabel(typeUrl), protocol }, bytes);
    },
    oversized: (typeUrl, protocol) => oversized.inc({ type: typeLabel(typeUrl), protocol }),
    ack: (typeUrl) => acks.inc({ type: typeLabel(typeUrl) }),
    nack: (typeUrl) => nacks.inc({ type: typeLabel(typeUrl) }),
    streams: (protocol, delta) => streams.inc({ protocol }, delta),
  };
}
