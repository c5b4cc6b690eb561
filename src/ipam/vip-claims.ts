/** Reading VIP claims off resources: which life of a resource, and which addresses its status lists. */
import { keyString, type Resource } from '../core/resource.js';

/** Identity of one life of a resource: a delete and re-create under the same name is another owner. */
export function ownerIdOf(r: Resource): string {
  return `${keyString(r)}@${r.creationTime}`;
}

/** `status.vips[].ip` as stored (non-strings become ''). */
export function vipsOf(r: Resource): string[] {
  const vips = (r.status as { vips?: unknown } | undefined)?.vips;
  if (!Array.isArray(vips)) return [];
  return vips.map((v: unknown) => {
    const ip = (v as { ip?: unknown } | null)?.ip;
    return typeof ip === 'string' ? ip : '';
  });
}
