/**
 * The migration plan: pure, from what the store holds now (federation.ts) to every section of
 * types.ts `MigrationPlan`. Each state is a set of zone views (zone-views.ts) on which the real
 * generator runs for every proxy:
 * - today: the current mode, nothing changed;
 * - the target: the target mode, the recommended MeshMultiZoneServices created, the references
 *   rewritten; compared with today per proxy (gains, losses, Envoy resource counts);
 * - between: the state after each phase of `migrate apply` (apply-steps.ts), each compared with
 *   today, so a phase that would take a destination away before its replacement exists is named.
 */
import { meshServicesModeOf, type MeshSpec } from '../resources/mesh/types.js';
import { applySteps, phaseStates, type StepInputs } from './apply-steps.js';
import { compareStates, lossLines, verdictOf } from './compare.js';
import { federationOf, type Federation, type MigrationInputs } from './federation.js';
import { addCounts, NO_RESOURCES, type ProxyOutcome, proxiesOfZone } from './proxy-impact.js';
import { planReferences, referencePlans, rewrittenPolicies } from './references.js';
import { multiZoneServicesToCreate, servicePlans } from './services.js';
import type { MigrationPlan, MigrationTarget, ProxyPlan, ReferencePlan, ServicePlan } from './types.js';
import { type MigrationState, type ZoneView, zoneViewsOf } from './zone-views.js';

function proxiesOf(fed: Federation, views: ReadonlyMap<string, ZoneView>): ProxyOutcome[] {
  return [...views.values()].flatMap((zv) => proxiesOfZone(fed, zv));
}

function siteText(fed: Federation): string {
  return fed.site.kind === 'global' ? 'global' : `zone ${fed.site.zone} (standalone)`;
}

function blockersOf(references: readonly ReferencePlan[], services: readonly ServicePlan[], proxies: readonly ProxyPlan[], stepLosses: readonly string[]): string[] {
  const out: string[] = [];
  for (const r of references) if (!r.applicable) out.push(`${r.resource} ${r.field}: ${r.problem ?? 'cannot be rewritten here'}`);
  for (const s of services) {
    if (s.recommendation.kind === 'MeshMultiZoneService' && s.problems.length > 0) out.push(`kuma.io/service ${s.service}: ${s.problems.join('; ')}`);
  }
  out.push(...lossLines(proxies, (l) => l.coverage !== 'replaced').map((l) => `loses a destination nothing replaces: ${l}`));
  out.push(...stepLosses.map((l) => `between steps: ${l}`));
  return out;
}

export function planMigration(inputs: MigrationInputs, to: MigrationTarget): MigrationPlan {
  const { now } = inputs;
  const fed = federationOf(inputs);
  const from = meshServicesModeOf(fed.meshResource.spec as MeshSpec);
  const beforeViews = zoneViewsOf(fed, { mode: from, edits: [] }, now);
  const before = proxiesOf(fed, beforeViews);
  const services = servicePlans(fed, zoneViewsOf(fed, { mode: to, edits: [] }, now), before);
  const create = multiZoneServicesToCreate(fed, services, now);
  const planned = planReferences(fed, services);
  const rewrite = rewrittenPolicies(planned);
  const stepInputs: StepInputs = { mesh: fed.meshResource, from, to, create, rewrite };
  const finalState: MigrationState = { mode: to, edits: [...create, ...rewrite] };
  const afterViews = zoneViewsOf(fed, finalState, now);
  const proxies = compareStates(before, proxiesOf(fed, afterViews));
  const stepLosses = phaseStates(stepInputs)
    .slice(0, -1)
    .flatMap(({ phase, state }) => lossLines(compareStates(before, proxiesOf(fed, zoneViewsOf(fed, state, now)))).map((l) => `after the ${phase} phase, ${l}`));
  const references = referencePlans(fed, planned, services, beforeViews, afterViews);
  const verdict = verdictOf(proxies, blockersOf(references, services, proxies, stepLosses));
  return {
    mesh: fed.mesh,
    site: siteText(fed),
    from,
    to,
    services,
    references,
    proxies,
    totals: {
      before: proxies.reduce((c, p) => addCounts(c, p.before), NO_RESOURCES),
      after: proxies.reduce((c, p) => addCounts(c, p.after), NO_RESOURCES),
    },
    verdict,
    steps: applySteps(stepInputs),
    stepLosses,
  };
}
