/**
 * The hostname template language: the subset of Go's text/template that Kuma's HostnameGenerators
 * use. Literal text, `{{ .Name }}`, `.DisplayName`, `.Namespace`, `.Mesh`, `.Zone`, a quoted string,
 * `{{ label "key" }}`, comments and the trim markers `{{-` / `-}}`. Errors read like Go's
 * (`template: :1: bad character U+005B '['`), so messages match Kuma's where Kuma gives one.
 * Unlike Go, an unknown field is a parse error here rather than a failure at render time.
 */

/** Template field name -> property of the render data. */
const FIELDS = { Name: 'name', DisplayName: 'displayName', Namespace: 'namespace', Mesh: 'mesh', Zone: 'zone' } as const;
type FieldName = keyof typeof FIELDS;
export const TEMPLATE_FIELDS: readonly string[] = Object.keys(FIELDS).map((f) => `.${f}`);

const GO_KEYWORDS_AND_BUILTINS = new Set([
  'if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil', 'true', 'false',
  'and', 'or', 'not', 'len', 'index', 'print', 'printf', 'println', 'html', 'js', 'urlquery', 'eq', 'ne', 'lt',
  'le', 'gt', 'ge', 'call', 'slice',
]);

export type TemplateNode =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'field'; readonly field: FieldName }
  /** `source` is the key as written (quotes included); line/col locate the command for errors. */
  | { readonly kind: 'label'; readonly key: string; readonly source: string; readonly line: number; readonly col: number };

export interface HostnameTemplate {
  readonly source: string;
  readonly nodes: readonly TemplateNode[];
}

/** What a template sees about the resource it names (see `hostnameDataOf` for Kuma's rules). */
export interface HostnameData {
  readonly name: string;
  readonly displayName: string;
  readonly namespace: string;
  readonly mesh: string;
  readonly zone: string;
  readonly labels: Readonly<Record<string, string>>;
}

export type TemplateParseResult = { ok: true; template: HostnameTemplate } | { ok: false; error: string };
export type RenderResult = { ok: true; hostname: string } | { ok: false; error: string };

type Token =
  | { readonly type: 'field'; readonly name: string; readonly start: number; readonly spaced: boolean }
  | { readonly type: 'dot' | 'ident'; readonly name: string; readonly start: number; readonly spaced: boolean }
  | { readonly type: 'string'; readonly value: string; readonly raw: string; readonly start: number; readonly spaced: boolean };

class ParseFailure extends Error {}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlnum = (c: string | undefined): boolean => c !== undefined && /^[\p{L}\p{Nd}_]$/u.test(c);

/** Go's `%#U`: `U+005B '['`. */
function describeChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(c) ? `${hex} '${c}'` : hex;
}

export function parseHostnameTemplate(text: string): TemplateParseResult {
  try {
    return { ok: true, template: { source: text, nodes: parseNodes(text) } };
  } catch (err) {
    if (err instanceof ParseFailure) return { ok: false, error: err.message };
    throw err;
  }
}

function parseNodes(text: string): TemplateNode[] {
  const nodes: TemplateNode[] = [];
  const lineAt = (pos: number): number => text.slice(0, pos).split('\n').length;
  const fail = (pos: number, message: string): never => {
    throw new ParseFailure(`template: :${lineAt(pos)}: ${message}`);
  };
  let pos = 0;
  let trimLeading = false;
  while (pos < text.length) {
    const open = text.indexOf('{{', pos);
    let literal = open === -1 ? text.slice(pos) : text.slice(pos, open);
    if (trimLeading) literal = literal.replace(/^[ \t\r\n]+/, '');
    if (open === -1) {
      if (literal) nodes.push({ kind: 'text', text: literal });
      break;
    }
    let i = open + 2;
    if (text[i] === '-' && isSpace(text[i + 1])) {
      literal = literal.replace(/[ \t\r\n]+$/, '');
      i += 2;
    }
    if (literal) nodes.push({ kind: 'text', text: literal });
    const action = text.startsWith('/*', i) ? scanComment(text, i, fail) : scanAction(text, i, fail);
    if (!action.comment) nodes.push(toNode(action.tokens, open, text, lineAt, fail));
    pos = action.end;
    trimLeading = action.trimRight;
  }
  return nodes;
}

type Fail = (pos: number, message: string) => never;
interface ScannedAction {
  readonly tokens: Token[];
  readonly end: number;
  readonly trimRight: boolean;
  readonly comment: boolean;
}

function scanComment(text: string, from: number, fail: Fail): ScannedAction {
  const close = text.indexOf('*/', from + 2);
  if (close === -1) return fail(from, 'unclosed comment');
  let i = close + 2;
  if (text.startsWith('}}', i)) return { tokens: [], end: i + 2, trimRight: false, comment: true };
  while (isSpace(text[i])) i++;
  if (i > close + 2 && text.startsWith('-}}', i)) return { tokens: [], end: i + 3, trimRight: true, comment: true };
  return fail(close, 'comment ends before closing delimiter');
}

function scanAction(text: string, from: number, fail: Fail): ScannedAction {
  const tokens: Token[] = [];
  let i = from;
  let spaced = true;
  const atTerminator = (at: number): boolean => {
    const c = text[at];
    return c === undefined || isSpace(c) || '.,|:()'.includes(c) || text.startsWith('}}', at);
  };
  const word = (at: number): number => {
    let j = at;
    while (isAlnum(text[j])) j++;
    return j;
  };
  for (;;) {
    const c = text[i];
    if (c === undefined) return fail(from, 'unclosed action');
    if (isSpace(c)) {
      while (isSpace(text[i])) i++;
      if (text.startsWith('-}}', i)) return { tokens, end: i + 3, trimRight: true, comment: false };
      spaced = true;
      continue;
    }
    if (text.startsWith('}}', i)) return { tokens, end: i + 2, trimRight: false, comment: false };
    const start = i;
    if (c === '.') {
      const end = word(i + 1);
      if (!atTerminator(end)) return fail(start, `bad character ${describeChar(text[end] ?? '')}`);
      const name = text.slice(i + 1, end);
      tokens.push({ type: name ? 'field' : 'dot', name, start, spaced });
      i = end;
    } else if (c === '"' || c === '`') {
      const close = findQuoteEnd(text, i, c);
      if (close === -1) return fail(start, c === '"' ? 'unterminated quoted string' : 'unterminated raw quoted string');
      const raw = text.slice(i, close + 1);
      tokens.push({ type: 'string', value: unquote(raw, start, fail), raw, start, spaced });
      i = close + 1;
    } else if (isAlnum(c) && !/^\d$/.test(c)) {
      const end = word(i);
      if (!atTerminator(end)) return fail(start, `bad character ${describeChar(text[end] ?? '')}`);
      tokens.push({ type: 'ident', name: text.slice(i, end), start, spaced });
      i = end;
    } else if (c === '|') {
      return fail(start, 'pipelines are not supported in hostname templates');
    } else if (c.charCodeAt(0) < 0x7f && c.charCodeAt(0) >= 0x20) {
      return fail(start, `unexpected "${c}" in operand`);
    } else {
      return fail(start, `unrecognized character in action: ${describeChar(String.fromCodePoint(text.codePointAt(i) ?? 0))}`);
    }
    spaced = false;
  }
}

function findQuoteEnd(text: string, open: number, quote: string): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (quote === '"' && c === '\\') i++;
    else if (quote === '"' && c === '\n') return -1;
    else if (c === quote) return i;
  }
  return -1;
}

function unquote(raw: string, at: number, fail: Fail): string {
  if (raw.startsWith('`')) return raw.slice(1, -1);
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === 'string') return value;
  } catch {
    // fall through to the error below
  }
  return fail(at, `invalid syntax in quoted string ${raw}`);
}

function toNode(tokens: readonly Token[], open: number, text: string, lineAt: (pos: number) => number, fail: Fail): TemplateNode {
  const [head, ...args] = tokens;
  if (!head) return fail(open, 'missing value for command');
  const known = `use ${TEMPLATE_FIELDS.join(', ')} or label "key"`;
  switch (head.type) {
    case 'field': {
      if (!Object.hasOwn(FIELDS, head.name)) return fail(head.start, `can't evaluate field ${head.name}: hostname templates know only ${TEMPLATE_FIELDS.join(', ')}`);
      const next = args[0];
      if (next && next.type === 'field' && !next.spaced) return fail(next.start, `can't evaluate field ${next.name} of .${head.name}, a string`);
      if (next) return fail(next.start, `.${head.name} is a field and takes no arguments`);
      return { kind: 'field', field: head.name as FieldName };
    }
    case 'string':
      if (args[0]) return fail(args[0].start, `a quoted string takes no arguments`);
      return { kind: 'text', text: head.value };
    case 'dot':
      return fail(head.start, `"." is not supported in hostname templates; ${known}`);
    case 'ident': {
      if (head.name === 'label') {
        const key = args[0];
        if (args.length !== 1) return fail(head.start, `wrong number of args for label: want 1 got ${args.length}`);
        if (!key || key.type !== 'string') return fail(head.start, 'label takes a quoted label key, e.g. label "app"');
        const lineStart = text.lastIndexOf('\n', head.start - 1) + 1;
        return { kind: 'label', key: key.value, source: key.raw, line: lineAt(head.start), col: head.start - lineStart };
      }
      if (GO_KEYWORDS_AND_BUILTINS.has(head.name)) return fail(head.start, `"${head.name}" is not supported in hostname templates; ${known}`);
      return fail(head.start, `function "${head.name}" not defined`);
    }
  }
}

/** Every label key the template reads, in order of appearance. */
export function labelKeysOf(template: HostnameTemplate): string[] {
  return [...new Set(template.nodes.flatMap((n) => (n.kind === 'label' ? [n.key] : [])))];
}

export function renderHostname(template: HostnameTemplate, data: HostnameData): RenderResult {
  let out = '';
  for (const node of template.nodes) {
    if (node.kind === 'text') out += node.text;
    else if (node.kind === 'field') out += data[FIELDS[node.field]];
    else if (Object.prototype.hasOwnProperty.call(data.labels, node.key)) out += data.labels[node.key] ?? '';
    else {
      return {
        ok: false,
        error: `template: :${node.line}:${node.col}: executing "" at <label ${node.source}>: error calling label: label ${node.key} not found`,
      };
    }
  }
  return { ok: true, hostname: out };
}
