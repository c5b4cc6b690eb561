/**
 * Prometheus metrics of the ADS server. Reuses metrics already registered in the given registry,
 * so several servers (tests, restarts) can share one.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { resourceTypeInfo } from '../envoy/type-urls.js';

export type XdsProtocol = 'sotw' | 'delta';

export interface XdsMetrics {
  response(typeUrl: string, protocol: XdsProtocol): void;
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

export function createXdsMetrics(registry: Registry = new Registry()): XdsMetrics {
  const nacks = counter(registry, 'meshplane_xds_nacks_total', 'xDS responses a proxy rejected (NACK), by type', ['type']);
  const acks = counter(registry, 'meshplane_xds_acks_total', 'xDS responses a proxy accepted (ACK), by type', ['type']);
  const responses = counter(registry, 'meshplane_xds_responses_total', 'xDS responses sent, by type and protocol', ['type', 'protocol']);
  const existingGauge = registry.getSingleMetric('meshplane_xds_streams');
  const streams =
    existingGauge instanceof Gauge
      ? existingGauge
      : new Gauge({ name: 'meshplane_xds_streams', help: 'Open ADS streams, by protocol', labelNames: ['protocol'], registers: [registry] });
  return {
    response: (typeUrl, protocol) => responses.inc({ type: typeLabel(typeUrl), protocol }),
    ack: (typeUrl) => acks.inc({ type: typeLabel(typeUrl) }),
    nack: (typeUrl) => nacks.inc({ type: typeLabel(typeUrl) }),
    streams: (protocol, delta) => streams.inc({ protocol }, delta),
  };
}
