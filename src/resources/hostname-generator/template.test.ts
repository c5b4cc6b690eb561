import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type HostnameData, labelKeysOf, parseHostnameTemplate, renderHostname } from './template.js';

const backend: HostnameData = {
  name: 'backend-cd75xf46x4b2zx4x',
  displayName: 'backend',
  namespace: 'kuma-demo',
  mesh: 'default',
  zone: 'east',
  labels: { app: 'my-app', 'statefulset.kubernetes.io/pod-name': 'db-0', empty: '' },
};

function render(text: string, data: HostnameData = backend): string {
  const parsed = parseHostnameTemplate(text);
  if (!parsed.ok) throw new Error(`unexpected parse error: ${parsed.error}`);
  const rendered = renderHostname(parsed.template, data);
  if (!rendered.ok) throw new Error(`unexpected render error: ${rendered.error}`);
  return rendered.hostname;
}

function parseError(text: string): string {
  const parsed = parseHostnameTemplate(text);
  return parsed.ok ? '(parsed)' : parsed.error;
}

describe('hostname template: rendering', () => {
  const cases: [string, string][] = [
    ['backend.mesh', 'backend.mesh'],
    ['{{ .Name }}.mesh', 'backend-cd75xf46x4b2zx4x.mesh'],
    ['{{.DisplayName}}.svc.{{ .Zone }}.mesh.local', 'backend.svc.east.mesh.local'],
    ['{{ .Name }}.{{ .DisplayName }}.{{ .Namespace }}.{{ .Mesh }}.{{ .Zone }}.mesh', 'backend-cd75xf46x4b2zx4x.backend.kuma-demo.default.east.mesh'],
    ['{{ label "app" }}.mesh', 'my-app.mesh'],
    ['{{ label `statefulset.kubernetes.io/pod-name` }}.db', 'db-0.db'],
    ['x{{ label "empty" }}y', 'xy'],
    ['{{ "lit" }}.{{ .Mesh }}', 'lit.default'],
    ['{{ .DisplayName }} \t {{- ".mesh" }}', 'backend.mesh'],
    ['{{ .DisplayName }} .{{- " x" }}', 'backend . x'],
    ['{{ .DisplayName -}}   \n  .mesh', 'backend.mesh'],
    ['{{ .DisplayName }}  {{- /* a comment */ -}}  .mesh', 'backend.mesh'],
    ['{{/* only a comment */}}{{ .Mesh }}', 'default'],
    ['{{\n  .Mesh\n}}.x', 'default.x'],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} renders ${JSON.stringify(expected)}`, () => assert.equal(render(text), expected));
  }

  it('a missing label is a render error in the form Go gives it, with the command position', () => {
    const parsed = parseHostnameTemplate('{{ .Name }}.{{ label "team" }}.mesh');
    assert.ok(parsed.ok);
    assert.deepEqual(renderHostname(parsed.template, backend), {
      ok: false,
      error: 'template: :1:15: executing "" at <label "team">: error calling label: label team not found',
    });
  });

  it('reports the line and column of a missing label on a later line', () => {
    const parsed = parseHostnameTemplate('a\n  {{ label "x" }}');
    assert.ok(parsed.ok);
    const rendered = renderHostname(parsed.template, backend);
    assert.equal(rendered.ok ? '' : rendered.error, 'template: :2:5: executing "" at <label "x">: error calling label: label x not found');
  });

  it('lists the label keys a template reads, once each', () => {
    const parsed = parseHostnameTemplate('{{ label "a" }}.{{ label "b" }}.{{ label "a" }}');
    assert.ok(parsed.ok);
    assert.deepEqual(labelKeysOf(parsed.template), ['a', 'b']);
  });
});

describe('hostname template: parse errors', () => {
  const cases: [string, string, string][] = [
    ["Kuma's case: a bracket after a field", '{{ .Name[4 }}.mesh', "template: :1: bad character U+005B '['"],
    ['unknown field (Go only fails at render time; we refuse at parse time)', '{{ .Hostname }}.mesh',
      "template: :1: can't evaluate field Hostname: hostname templates know only .Name, .DisplayName, .Namespace, .Mesh, .Zone"],
    ['fields are case-sensitive', '{{ .name }}', "template: :1: can't evaluate field name: hostname templates know only .Name, .DisplayName, .Namespace, .Mesh, .Zone"],
    ['chained field', '{{ .Name.Length }}', "template: :1: can't evaluate field Length of .Name, a string"],
    ['field with arguments', '{{ .Name .Mesh }}', 'template: :1: .Name is a field and takes no arguments'],
    ['unknown function', '{{ upper .Name }}', 'template: :1: function "upper" not defined'],
    ['Go built-ins are outside the subset', '{{ printf "%s" .Name }}',
      'template: :1: "printf" is not supported in hostname templates; use .Name, .DisplayName, .Namespace, .Mesh, .Zone or label "key"'],
    ['control structures are outside the subset', '{{ if .Zone }}x{{ end }}',
      'template: :1: "if" is not supported in hostname templates; use .Name, .DisplayName, .Namespace, .Mesh, .Zone or label "key"'],
    ['bare dot', '{{ . }}', 'template: :1: "." is not supported in hostname templates; use .Name, .DisplayName, .Namespace, .Mesh, .Zone or label "key"'],
    ['label without a key', '{{ label }}', 'template: :1: wrong number of args for label: want 1 got 0'],
    ['label with two keys', '{{ label "a" "b" }}', 'template: :1: wrong number of args for label: want 1 got 2'],
    ['label with a field as key', '{{ label .Name }}', 'template: :1: label takes a quoted label key, e.g. label "app"'],
    ['pipeline', '{{ .Name | label }}', 'template: :1: pipelines are not supported in hostname templates'],
    ['unclosed action', '{{ .Name', 'template: :1: unclosed action'],
    ['empty action', 'a{{ }}b', 'template: :1: missing value for command'],
    ['unterminated string', '{{ label "app }}', 'template: :1: unterminated quoted string'],
    ['unterminated raw string', '{{ label `app }}', 'template: :1: unterminated raw quoted string'],
    ['stray character', '{{ [ }}', 'template: :1: unexpected "[" in operand'],
    ['a non-ASCII letter starts a function name, as in Go', '{{ é }}', 'template: :1: function "é" not defined'],
    ['non-ASCII symbol', '{{ § }}', "template: :1: unrecognized character in action: U+00A7 '§'"],
    ['unclosed comment', '{{/* x }}', 'template: :1: unclosed comment'],
    ['comment followed by more', '{{/* x */ .Name }}', 'template: :1: comment ends before closing delimiter'],
    ['error on the second line names line 2', 'a.\n{{ .Nope }}', "template: :2: can't evaluate field Nope: hostname templates know only .Name, .DisplayName, .Namespace, .Mesh, .Zone"],
  ];
  for (const [title, text, expected] of cases) {
    it(`${title}: ${JSON.stringify(text)}`, () => assert.equal(parseError(text), expected));
  }
});
