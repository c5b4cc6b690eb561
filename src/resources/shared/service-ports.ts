/** Port-list rules shared by the destination kinds (MeshService, MeshMultiZoneService). */
import { dns1123LabelErrors } from '../../core/dns-names.js';
import { msg, type PathBuilder, type ViolationList } from '../../core/violations.js';

export interface PortLike {
  readonly name?: string;
  readonly port?: number;
}

/** No two ports may share a number or a section name (the name, or the number when unnamed). */
export function checkUniquePorts(ports: readonly PortLike[], path: PathBuilder, out: ViolationList): void {
  const numbers = new Map<number, string>();
  const names = new Map<string, string>();
  ports.forEach((p, i) => {
    const at = path.index(i);
    if (p.port !== undefined) {
      const first = numbers.get(p.port);
      if (first) out.at(at.field('port'), msg.duplicate('port', p.port, first));
      else numbers.set(p.port, String(at));
    }
    const section = p.name ? p.name : p.port !== undefined ? String(p.port) : undefined;
    if (section !== undefined) {
      const first = names.get(section);
      if (first && p.name) out.at(at.field('name'), msg.duplicate('port name', section, first));
      else if (!first) names.set(section, String(at));
    }
  });
}

/** Port names end up in SNIs and KRIs; Kuma only warns about names that are not RFC 1123 labels. */
export function portNameWarnings(kind: string, ports: readonly PortLike[]): string[] {
  const warnings: string[] = [];
  for (const p of ports) {
    if (!p.name) continue;
    const errors = dns1123LabelErrors(p.name);
    if (errors.length > 0) {
      warnings.push(`Invalid ${kind} SNI (port ${JSON.stringify(p.name)}): sectionName ${JSON.stringify(p.name)} does not conform to RFC 1123: ${errors.join('; ')}. This is deprecated.`);
    }
  }
  return warnings;
}
