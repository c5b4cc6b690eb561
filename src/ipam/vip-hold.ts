/**
 * `VipHold`: an internal resource type (not a kind: no REST path, no CLI, never synced) that
 * records a released VIP still on hold, so a restart does not hand it to another resource while
 * clients may still have the old DNS answer cached. One record per address, so no record grows
 * with the number of services.
 */
import type { NewResource, Resource } from '../core/resource.js';
import { canonicalIp } from './ip-range.js';

export const VIP_HOLD_TYPE = 'VipHold';

export interface VipHoldSpec {
  readonly ip: string;
  /** The kind of the resource that last had the address (MeshService, MeshMultiZoneService). */
  readonly kind: string;
  readonly releasedAt: string;
  readonly heldUntil: string;
}

/** `241.0.0.7` -> `vip-241-0-0-7`, `fd00::1` -> `vip-fd00--1` (canonical text, so one name per address). */
export function vipHoldName(ip: string): string {
  const canonical = canonicalIp(ip) ?? ip;
  return `vip-${canonical.replace(/[.:]/g, '-')}`;
}

export function vipHoldResource(spec: VipHoldSpec): NewResource<VipHoldSpec> {
  return { type: VIP_HOLD_TYPE, mesh: '', name: vipHoldName(spec.ip), labels: {}, spec };
}

/** The hold a stored record describes, or undefined when the record is not a usable hold. */
export function readVipHold(r: Resource): VipHoldSpec | undefined {
  const spec = r.spec as Partial<VipHoldSpec> | null;
  if (!spec || typeof spec.ip !== 'string' || typeof spec.heldUntil !== 'string') return undefined;
  const ip = canonicalIp(spec.ip);
  if (!ip || Number.isNaN(Date.parse(spec.heldUntil))) return undefined;
  return {
    ip,
    kind: typeof spec.kind === 'string' ? spec.kind : '',
    releasedAt: typeof spec.releasedAt === 'string' ? spec.releasedAt : '',
    heldUntil: new Date(spec.heldUntil).toISOString(),
  };
}
