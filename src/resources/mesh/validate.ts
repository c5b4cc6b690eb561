/** Mesh rules: the name must be usable inside SNIs and hostnames. */
import type { ValidationInput } from '../../core/descriptor.js';
import { dns1123LabelErrors, resourceNameErrors } from '../../core/dns-names.js';
import type { Violation } from '../../core/violations.js';
import type { MeshSpec } from './types.js';

const WHY = 'the mesh name is part of SNIs and hostnames';

export function validateMesh(input: ValidationInput<MeshSpec>): Violation[] {
  // Admission already reports names that are not resource names at all; say it once.
  if (resourceNameErrors(input.name).length > 0) return [];
  return dns1123LabelErrors(input.name).map((m) => ({ field: 'name', message: `${m} (${WHY})` }));
}
