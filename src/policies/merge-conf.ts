/**
 * Merging the `default` confs of the entries that apply to one destination, in merge order (see
 * merge-order.ts), the way Kuma merges policy confs: objects merge field by field, everything else
 * (scalars, lists) is replaced by the later entry. Each leaf remembers which entry set it, so the
 * explain view can say where every setting came from.
 */

export interface ConfLayer {
  readonly conf: unknown;
  /** Who set it, e.g. `MeshTimeout/slow-calls`. */
  readonly source: string;
}

export interface MergedConf<T = Record<string, unknown>> {
  readonly value: T;
  /** Leaf path (`http.requestTimeout`) -> the source of the layer that set it last. */
  readonly from: Readonly<Record<string, string>>;
  /** Every source that contributed, in merge order (once each). */
  readonly sources: readonly string[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeInto(target: Record<string, unknown>, conf: Record<string, unknown>, prefix: string, source: string, from: Record<string, string>): void {
  for (const [key, value] of Object.entries(conf)) {
    if (value === undefined) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    const current = target[key];
    if (isObject(value)) {
      const next = isObject(current) ? { ...current } : {};
      if (!isObject(current)) for (const p of Object.keys(from)) if (p === path) delete from[p];
      mergeInto(next, value, path, source, from);
      target[key] = next;
    } else {
      for (const p of Object.keys(from)) if (p.startsWith(`${path}.`)) delete from[p];
      target[key] = value;
      from[path] = source;
    }
  }
}

/** The merge of `layers` (earliest first); undefined when no layer has a conf. */
export function mergeConfs<T = Record<string, unknown>>(layers: readonly ConfLayer[]): MergedConf<T> | undefined {
  const value: Record<string, unknown> = {};
  const from: Record<string, string> = {};
  const sources: string[] = [];
  for (const layer of layers) {
    if (!isObject(layer.conf)) continue;
    mergeInto(value, layer.conf, '', layer.source, from);
    if (!sources.includes(layer.source)) sources.push(layer.source);
  }
  return sources.length === 0 ? undefined : { value: value as T, from, sources };
}
