/**
 * The HostnameGenerators Kuma creates at control-plane start (semantics 5.4), as data. Whoever
 * seeds them creates each one only when no generator of that name exists, and never updates it.
 * Global ones carry no labels (they get `kuma.io/origin: global` when synced to zones); the zone
 * one is labelled `kuma.io/origin: zone`.
 */
import type { Labels } from '../../core/resource.js';
import { LABEL } from '../../core/well-known-labels.js';
import type { HostnameGeneratorSpec } from './types.js';

export interface DefaultHostnameGenerator {
  readonly name: string;
  readonly labels: Labels;
  readonly spec: HostnameGeneratorSpec;
}

const ORIGIN = LABEL.origin;
const HEADLESS = 'k8s.kuma.io/is-headless-service';

/** Created on a zone control plane (Universal): local MeshServices get `<name>.svc.mesh.local`. */
export const ZONE_DEFAULT_HOSTNAME_GENERATORS: readonly DefaultHostnameGenerator[] = [
  {
    name: 'local-universal-mesh-service',
    labels: { [ORIGIN]: 'zone' },
    spec: { selector: { meshService: { matchLabels: { [ORIGIN]: 'zone' } } }, template: '{{ .DisplayName }}.svc.mesh.local' },
  },
];

/** Created on the global control plane and synced to every zone. */
export const GLOBAL_DEFAULT_HOSTNAME_GENERATORS: readonly DefaultHostnameGenerator[] = [
  {
    name: 'synced-mesh-multi-zone-service',
    labels: {},
    spec: {
      selector: { meshMultiZoneService: { matchLabels: { [ORIGIN]: 'global' } } },
      template: '{{ .DisplayName }}.mzsvc.mesh.local',
    },
  },
  {
    name: 'synced-kube-mesh-service',
    labels: {},
    spec: {
      selector: { meshService: { matchLabels: { [ORIGIN]: 'global', [HEADLESS]: 'false', [LABEL.env]: 'kubernetes' } } },
      template: '{{ .DisplayName }}.{{ .Namespace }}.svc.{{ .Zone }}.mesh.local',
    },
  },
  {
    name: 'synced-headless-kube-mesh-service',
    labels: {},
    spec: {
      selector: { meshService: { matchLabels: { [ORIGIN]: 'global', [HEADLESS]: 'true', [LABEL.env]: 'kubernetes' } } },
      template:
        '{{ label "statefulset.kubernetes.io/pod-name" }}.{{ label "k8s.kuma.io/service-name" }}.{{ .Namespace }}.svc.{{ .Zone }}.mesh.local',
    },
  },
  {
    name: 'synced-universal-mesh-service',
    labels: {},
    spec: {
      selector: { meshService: { matchLabels: { [ORIGIN]: 'global', [LABEL.env]: 'universal' } } },
      template: '{{ .DisplayName }}.svc.{{ .Zone }}.mesh.local',
    },
  },
  {
    name: 'synced-mesh-external-service',
    labels: {},
    spec: {
      selector: { meshExternalService: { matchLabels: { [ORIGIN]: 'global' } } },
      template: '{{ .DisplayName }}.extsvc.mesh.local',
    },
  },
];
