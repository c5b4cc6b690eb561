/**
 * Per proxy, what a change does to its destinations: those it gains, and those it loses with how
 * what they reached is covered afterwards (types.ts `Coverage`), and the verdict over all proxies.
 * A destination is one name clients dial (`backend.mesh`, `backend.svc.mesh.local`); losing one
 * breaks every client that dials it, even when another name now reaches the same instances.
 */
import { NO_RESOURCES, type ProxyOutcome } from './proxy-impact.js';
import type { Coverage, DestinationSummary, LostDestination, ProxyPlan, Replacement, Verdict } from './types.js';

const byKey = (a: { key: string }, b: { key: string }): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

function replacement(d: DestinationSummary): Replacement {
  return { key: d.key, kind: d.kind, name: d.name, ...(d.zone === undefined ? {} : { zone: d.zone }), addresses: d.addresses };
}

/** How a destination is written in lines: `kuma.io/service backend`, `MeshService backend (zone east)`. */
export function destinationWords(d: { readonly kind: string; readonly name: string; readonly zone?: string }): string {
  return `${d.kind} ${d.name}${d.zone === undefined ? '' : ` (zone ${d.zone})`}`;
}

/** The destination with the first name clients dial: `kuma.io/service backend [backend.mesh:80]`. */
function dialled(d: { readonly kind: string; readonly name: string; readonly zone?: string; readonly addresses: readonly string[] }): string {
  const first = d.addresses[0];
  return first === undefined ? destinationWords(d) : `${destinationWords(d)} [${first}]`;
}

function coverageOf(lost: DestinationSummary, after: readonly DestinationSummary[]): { coverage: Coverage; replacedBy: Replacement[] } {
  const wanted = lost.reaches;
  if (wanted.length === 0) return { coverage: 'replaced', replacedBy: [] };
  const whole = after.filter((d) => wanted.every((r) => d.reaches.includes(r)));
  if (whole.length > 0) return { coverage: 'replaced', replacedBy: whole.sort(byKey).map(replacement) };
  const helping = after.filter((d) => d.reaches.some((r) => wanted.includes(r)));
  const covered = new Set(helping.flatMap((d) => d.reaches));
  const replacedBy = helping.sort(byKey).map(replacement);
  if (wanted.every((r) => covered.has(r))) return { coverage: 'split', replacedBy };
  return { coverage: helping.length > 0 ? 'partial' : 'none', replacedBy };
}

export function compareProxy(before: ProxyOutcome | undefined, after: ProxyOutcome | undefined): ProxyPlan {
  const b = [...(before?.destinations.values() ?? [])];
  const a = [...(after?.destinations.values() ?? [])];
  const gained = a.filter((d) => !before?.destinations.has(d.key)).sort(byKey);
  const lost: LostDestination[] = b
    .filter((d) => !after?.destinations.has(d.key))
    .map((d) => ({ ...d, ...coverageOf(d, a) }))
    .sort(byKey);
  const who = before ?? after;
  return { zone: who?.zone ?? '', name: who?.name ?? '', before: before?.counts ?? NO_RESOURCES, after: after?.counts ?? NO_RESOURCES, gained, lost };
}

/** Pairs proxies of two states by zone and name (the Dataplanes are the same in both). */
export function compareStates(before: readonly ProxyOutcome[], after: readonly ProxyOutcome[]): ProxyPlan[] {
  const key = (p: { zone: string; name: string }): string => `${p.zone}\u0000${p.name}`;
  const afterByKey = new Map(after.map((p) => [key(p), p]));
  const seen = new Set<string>();
  const out: ProxyPlan[] = [];
  for (const p of before) {
    seen.add(key(p));
    out.push(compareProxy(p, afterByKey.get(key(p))));
  }
  for (const p of after) if (!seen.has(key(p))) out.push(compareProxy(undefined, p));
  return out.sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
}

export function lossLines(proxies: readonly ProxyPlan[], only?: (l: LostDestination) => boolean): string[] {
  return proxies.flatMap((p) =>
    p.lost
      .filter((l) => only === undefined || only(l))
      .map((l) => `${p.zone}/${p.name}: ${dialled(l)} (${l.coverage}${l.replacedBy.length > 0 ? ` by ${l.replacedBy.map(dialled).join(', ')}` : ''})`),
  );
}

export function verdictOf(proxies: readonly ProxyPlan[], blockers: readonly string[]): Verdict {
  const losing = proxies.filter((p) => p.lost.length > 0);
  const hard = losing.filter((p) => p.lost.some((l) => l.coverage !== 'replaced'));
  const lines = lossLines(proxies);
  if (losing.length === 0) {
    return { level: 'safe', safe: true, summary: 'no proxy loses a destination it has today', proxies: [], blockers };
  }
  if (hard.length === 0) {
    const summary = `${losing.length} proxies lose destinations whose instances another destination reaches: clients dialling the old names must move to the new ones before the switch`;
    return { level: 'renames', safe: false, summary, proxies: lines, blockers };
  }
  const summary = `${hard.length} proxies lose destinations that nothing replaces as one name (split, partial or none)`;
  return { level: 'unsafe', safe: false, summary, proxies: lines, blockers };
}
