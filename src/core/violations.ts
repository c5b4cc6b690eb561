/**
 * Validation results as data: a list of `{field, message}` violations, never an exception.
 * Paths are built with `PathBuilder` so every validator spells them the same way:
 * `spec.ports[0].targetPort`, `labels["kuma.io/zone"]`.
 */

export interface Violation {
  readonly field: string;
  readonly message: string;
}

export class PathBuilder {
  private constructor(private readonly path: string) {}

  static root(): PathBuilder {
    return new PathBuilder('');
  }

  static of(path: string): PathBuilder {
    return new PathBuilder(path);
  }

  field(name: string): PathBuilder {
    return new PathBuilder(this.path ? `${this.path}.${name}` : name);
  }

  index(i: number): PathBuilder {
    return new PathBuilder(`${this.path}[${i}]`);
  }

  key(k: string): PathBuilder {
    return new PathBuilder(`${this.path}[${JSON.stringify(k)}]`);
  }

  toString(): string {
    return this.path;
  }
}

/** Collects violations; `at(path, message)` reads well inside validators. */
export class ViolationList {
  readonly items: Violation[] = [];

  at(path: PathBuilder | string, message: string): void {
    this.items.push({ field: String(path), message });
  }

  addAll(vs: readonly Violation[]): void {
    this.items.push(...vs);
  }

  get empty(): boolean {
    return this.items.length === 0;
  }
}

/** Shared phrases, so that one rule reads the same wherever it is checked. */
export const msg = {
  required: 'must be defined',
  notEmpty: 'must not be empty',
  cannotBeEmpty: 'cannot be empty',
  portRange: 'must be in inclusive range [1, 65535]',
  oneOf: (values: readonly string[], got: unknown): string =>
    `must be one of: ${values.join(', ')}; got ${JSON.stringify(got)}`,
  notSetWith: (kind: string): string => `must not be set with kind ${kind}`,
  duplicate: (what: string, value: unknown, firstAt: string): string =>
    `duplicate ${what} ${JSON.stringify(value)}: already used by ${firstAt}`,
};

export function formatViolations(vs: readonly Violation[]): string {
  return vs.map((v) => (v.field ? `${v.field}: ${v.message}` : v.message)).join('\n');
}
