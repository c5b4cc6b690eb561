/**
 * The hostname assignment of `assignHostnames`, kept up to date one target at a time: for each
 * target the hostname (or template error) every selecting generator renders, and for each hostname
 * slot (kind, mesh, hostname) the claims on it. A slot goes to its first claim in the order
 * `assignHostnames` walks (generator precedence, then target age, then name), so the answers are
 * the same as a full recomputation, but one changed target costs its own renders plus the targets
 * that share a slot with it, instead of every target of the zone. No I/O.
 */
import { keyString, type ResourceKey } from '../core/resource.js';
import {
  collisionCondition,
  compareGenerators,
  compareText,
  failedCondition,
  generatedCondition,
  type HostnameAssignment,
  type HostnameGeneratorInput,
  type HostnameTarget,
  ORIGIN_HOSTNAME_GENERATOR,
  parseCached,
  render,
  type TemplateCache,
} from '../resources/hostname-generator/assign.js';
import { hostnameGeneratorSelects } from '../resources/hostname-generator/types.js';

interface RankedGenerator {
  readonly generator: HostnameGeneratorInput;
  readonly rank: number;
  readonly parsed: ReturnType<typeof parseCached>;
}

/** One generator's answer for one target: a hostname, or the reason there is none. */
type Rendered = { readonly generator: string; readonly rank: number } & ({ readonly hostname: string } | { readonly error: string });

interface Entry {
  readonly target: HostnameTarget;
  readonly key: string;
  readonly at: number;
  readonly rendered: readonly Rendered[];
}

const slotOf = (t: HostnameTarget, hostname: string): string => `${t.type}\u0000${t.mesh}\u0000${hostname}`;

/** `assignHostnames`' order: generator rank, then target age, name, mesh. */
function claimOrder(a: { rank: number; entry: Entry }, b: { rank: number; entry: Entry }): number {
  if (a.rank !== b.rank) return a.rank - b.rank;
  if (a.entry.at !== b.entry.at) return a.entry.at < b.entry.at ? -1 : 1;
  return compareText(a.entry.target.name, b.entry.target.name) || compareText(a.entry.target.mesh, b.entry.target.mesh);
}

export class HostnameBook {
  private generators: RankedGenerator[] = [];
  private readonly entries = new Map<string, Entry>();
  private readonly slots = new Map<string, Map<string, { rank: number; entry: Entry }>>();

  constructor(
    private readonly localZone: string,
    private readonly templates: TemplateCache = new Map(),
  ) {}

  /** Starts over with these generators and targets. */
  reset(generators: readonly HostnameGeneratorInput[], targets: Iterable<HostnameTarget>): void {
    this.generators = [...generators].sort(compareGenerators).map((generator, rank) => ({ generator, rank, parsed: parseCached(this.templates, generator.spec.template ?? '') }));
    this.entries.clear();
    this.slots.clear();
    for (const t of targets) this.put(t);
  }

  /** Adds or replaces a target; returns the keys of every target whose assignment may have changed. */
  put(target: HostnameTarget): Set<string> {
    const key = keyString(target);
    const touched = this.drop(key);
    const rendered: Rendered[] = [];
    for (const g of this.generators) {
      if (!hostnameGeneratorSelects(g.generator.spec, target.type, target.labels)) continue;
      const r = render(g.parsed, target, this.localZone);
      rendered.push(r.ok ? { generator: g.generator.name, rank: g.rank, hostname: r.hostname } : { generator: g.generator.name, rank: g.rank, error: r.error });
    }
    const entry: Entry = { target, key, at: Date.parse(target.creationTime), rendered };
    this.entries.set(key, entry);
    for (const r of rendered) {
      if (!('hostname' in r)) continue;
      const slot = slotOf(target, r.hostname);
      const claims = this.slots.get(slot) ?? new Map<string, { rank: number; entry: Entry }>();
      const earlier = claims.get(key);
      if (!earlier || r.rank < earlier.rank) claims.set(key, { rank: r.rank, entry });
      this.slots.set(slot, claims);
      touched.add(slot);
    }
    return this.claimants(touched, key);
  }

  /** Forgets a target; returns the keys of the targets whose assignment may have changed. */
  remove(target: ResourceKey): Set<string> {
    const key = keyString(target);
    const out = this.claimants(this.drop(key), key);
    out.delete(key);
    return out;
  }

  /** The two status fields for a known target (empty lists when no generator selects it). */
  assignment(key: string): HostnameAssignment | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    const t = entry.target;
    const results = [...entry.rendered].sort((a, b) => compareText(a.generator, b.generator) || a.rank - b.rank);
    const addresses: HostnameAssignment['addresses'] = [];
    const hostnameGenerators: HostnameAssignment['hostnameGenerators'] = [];
    for (const r of results) {
      const ref = { coreName: r.generator };
      if ('error' in r) {
        hostnameGenerators.push({ hostnameGeneratorRef: ref, conditions: [failedCondition('TemplateError', r.error)] });
        continue;
      }
      const holder = this.winner(slotOf(t, r.hostname));
      if (holder !== undefined && holder.key !== key) {
        hostnameGenerators.push({ hostnameGeneratorRef: ref, conditions: [collisionCondition(t.type, holder.target.name, r.hostname)] });
        continue;
      }
      addresses.push({ hostname: r.hostname, origin: ORIGIN_HOSTNAME_GENERATOR, hostnameGeneratorRef: ref });
      hostnameGenerators.push({ hostnameGeneratorRef: ref, conditions: [generatedCondition()] });
    }
    return { addresses, hostnameGenerators };
  }

  /** Every known target's key. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** The target as last put, by key. */
  target(key: string): HostnameTarget | undefined {
    return this.entries.get(key)?.target;
  }

  /** Removes the target's claims; returns the slots it held claims on. */
  private drop(key: string): Set<string> {
    const slots = new Set<string>();
    const entry = this.entries.get(key);
    if (entry === undefined) return slots;
    this.entries.delete(key);
    for (const r of entry.rendered) {
      if (!('hostname' in r)) continue;
      const slot = slotOf(entry.target, r.hostname);
      slots.add(slot);
      const claims = this.slots.get(slot);
      claims?.delete(key);
      if (claims?.size === 0) this.slots.delete(slot);
    }
    return slots;
  }

  private claimants(slots: Iterable<string>, key: string): Set<string> {
    const out = new Set<string>([key]);
    for (const slot of slots) for (const k of this.slots.get(slot)?.keys() ?? []) out.add(k);
    return out;
  }

  private winner(slot: string): Entry | undefined {
    let best: { rank: number; entry: Entry } | undefined;
    for (const claim of this.slots.get(slot)?.values() ?? []) if (!best || claimOrder(claim, best) < 0) best = claim;
    return best?.entry;
  }
}
