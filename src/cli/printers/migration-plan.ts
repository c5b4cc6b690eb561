/**
 * `meshplane migrate plan` as text: a header, then one table per section (services, references,
 * proxies, apply steps) and the verdict with every proxy that loses a destination and everything
 * that stops `migrate apply`. `-o json` prints the REST answer unchanged instead.
 */
import type { BackendRef } from '../../resources/shared/target-ref.js';
import type { DestinationSummary, LostDestination, MigrationPlan, ResourceCounts, ZoneMeshService } from '../../migration/types.js';
import { renderTable } from './table.js';

/** `MeshService backend`, `MeshService {kuma.io/display-name=backend} port 8080 weight 100`. */
export function refWords(ref: BackendRef): string {
  const labels = ref.labels && Object.keys(ref.labels).length > 0 ? `{${Object.entries(ref.labels).map(([k, v]) => `${k}=${v}`).join(',')}}` : (ref.name ?? '');
  const port = ref.sectionName ? ` sectionName ${ref.sectionName}` : ref.port !== undefined ? ` port ${ref.port}` : '';
  return `${ref.kind ?? '?'} ${labels}${port}${ref.weight !== undefined ? ` weight ${ref.weight}` : ''}`;
}

function destination(d: Pick<DestinationSummary, 'kind' | 'name' | 'zone'>): string {
  return `${d.kind} ${d.name}${d.zone === undefined ? '' : `@${d.zone}`}`;
}

function lost(l: LostDestination): string {
  const by = l.replacedBy.map(destination).join(' + ');
  return `${destination(l)} (${l.coverage}${by === '' ? '' : `: ${by}`})`;
}

function meshServiceWords(m: ZoneMeshService): string {
  const ports = m.ports.map((p) => `${p.port}/${p.appProtocol}`).join(',');
  return `${m.zone}: ${m.siteName ?? m.name} (${m.state}, ${ports || 'no ports'})`;
}

const arrow = (a: number, b: number): string => (a === b ? String(a) : `${a}->${b}`);
const countCells = (b: ResourceCounts, a: ResourceCounts): string[] => [arrow(b.LDS, a.LDS), arrow(b.RDS, a.RDS), arrow(b.CDS, a.CDS), arrow(b.EDS, a.EDS), arrow(b.total, a.total)];

function servicesTable(plan: MigrationPlan): string {
  const rows = plan.services.map((s) => {
    const r = s.recommendation;
    const rec = r.kind === 'MeshMultiZoneService' ? `${r.kind} ${r.name ?? s.service} (${r.exists === true ? 'exists' : 'create'})` : r.kind;
    const notes = [r.reason, ...s.portConflicts, ...s.problems].join('; ');
    return [s.service, s.zones.join(','), String(s.dataplanes), s.meshServices.map(meshServiceWords).join('; '), rec, notes];
  });
  return renderTable(['SERVICE', 'ZONES', 'DATAPLANES', 'MESHSERVICES', 'RECOMMENDATION', 'WHY'], rows);
}

function referencesTable(plan: MigrationPlan): string {
  if (plan.references.length === 0) return 'no route or policy names a destination by its kuma.io/service value\n';
  const rows = plan.references.map((r) => [
    r.resource,
    r.field,
    refWords(r.current),
    r.rewrite === undefined ? '' : refWords(r.rewrite),
    r.applicable ? 'yes' : `no: ${r.problem ?? ''}`,
  ]);
  return renderTable(['RESOURCE', 'FIELD', 'NOW', 'REWRITE', 'APPLY'], rows);
}

function proxiesTable(plan: MigrationPlan): string {
  const rows = plan.proxies.map((p) => [p.zone, p.name, ...countCells(p.before, p.after), p.gained.map(destination).join(', '), p.lost.map(lost).join(', ')]);
  rows.push(['', 'all proxies', ...countCells(plan.totals.before, plan.totals.after), '', '']);
  return renderTable(['ZONE', 'PROXY', 'LDS', 'RDS', 'CDS', 'EDS', 'TOTAL', 'GAINS', 'LOSSES'], rows);
}

function stepsTable(plan: MigrationPlan): string {
  if (plan.steps.length === 0) return 'nothing to do\n';
  return renderTable(
    ['STEP', 'PHASE', 'ACTION', 'RESOURCE', 'WHAT'],
    plan.steps.map((s) => [String(s.index), s.phase, s.action, `${s.type}/${s.name}`, s.summary]),
  );
}

function verdictText(plan: MigrationPlan): string {
  const v = plan.verdict;
  const lines = [`VERDICT: ${v.level}${v.safe ? '' : ' (not safe)'}: ${v.summary}`, ...v.proxies.map((p) => `  ${p}`)];
  lines.push(v.blockers.length === 0 ? 'BLOCKERS: none' : `BLOCKERS (migrate apply refuses without --force):`, ...v.blockers.map((b) => `  ${b}`));
  return `${lines.join('\n')}\n`;
}

export function renderPlan(plan: MigrationPlan): string {
  const header = `MIGRATION PLAN for mesh ${plan.mesh} on ${plan.site}: ${plan.from} -> ${plan.to}\n`;
  return [
    header,
    `SERVICES\n${servicesTable(plan)}`,
    `REFERENCES\n${referencesTable(plan)}`,
    `PROXIES (Envoy resources today->after)\n${proxiesTable(plan)}`,
    verdictText(plan),
    `APPLY STEPS (meshplane migrate apply --mesh ${plan.mesh} --to ${plan.to})\n${stepsTable(plan)}`,
  ].join('\n');
}
