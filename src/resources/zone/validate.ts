/**
 * Zone rules. Kuma has none for the resource itself, but its control plane refuses a zone name that
 * is not a DNS label of at most 63 characters; we check the same here, because the name of a Zone
 * resource is the zone's name and ends up in KRIs, SNIs and hostnames (`{{ .Zone }}`).
 */
import type { ValidationInput } from '../../core/descriptor.js';
import { dns1123LabelErrors, resourceNameErrors } from '../../core/dns-names.js';
import type { Violation } from '../../core/violations.js';
import type { ZoneSpec } from './types.js';

const WHY = 'the zone name is part of KRIs, SNIs and hostnames';

export function validateZone(input: ValidationInput<ZoneSpec>): Violation[] {
  if (resourceNameErrors(input.name).length > 0) return [];
  return dns1123LabelErrors(input.name).map((m) => ({ field: 'name', message: `${m} (${WHY})` }));
}
