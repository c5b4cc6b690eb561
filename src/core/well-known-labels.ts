/** Label keys Kuma defines and Meshplane computes or reads. */
export const LABEL = {
  displayName: 'kuma.io/display-name',
  mesh: 'kuma.io/mesh',
  origin: 'kuma.io/origin',
  zone: 'kuma.io/zone',
  env: 'kuma.io/env',
  namespace: 'k8s.kuma.io/namespace',
  managedBy: 'kuma.io/managed-by',
  deletionGracePeriodStartedAt: 'kuma.io/deletion-grace-period-started-at',
  policyRole: 'kuma.io/policy-role',
} as const;

export const SERVICE_TAG = 'kuma.io/service';
export const PROTOCOL_TAG = 'kuma.io/protocol';

export type Origin = 'zone' | 'global';

/** Any key under these prefixes is reserved for the control plane's own meaning. */
export function isReservedLabel(key: string): boolean {
  return key.startsWith('kuma.io/') || key.startsWith('k8s.kuma.io/');
}
