import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseYamlDocuments } from './yaml-documents.js';

describe('parseYamlDocuments', () => {
  it('splits documents on --- and skips empty ones', () => {
    const result = parseYamlDocuments('---\ntype: Mesh\nname: a\n---\n---\ntype: Mesh\nname: b\n---\n', 'f.yaml');
    assert.deepEqual(result, {
      ok: true,
      documents: [
        { position: 1, value: { type: 'Mesh', name: 'a' } },
        { position: 3, value: { type: 'Mesh', name: 'b' } },
      ],
    });
  });

  it('returns no documents for empty input', () => {
    assert.deepEqual(parseYamlDocuments('', 'stdin'), { ok: true, documents: [] });
  });

  it('rejects the whole input on a syntax error in any document, with line and column', () => {
    const result = parseYamlDocuments('type: Mesh\nname: a\n---\ntype: Mesh\nname: b\n  bad: 1\n', 'f.yaml');
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.match(result.errors[0] ?? '', /^invalid YAML in f\.yaml:5:7: Nested mappings are not allowed in compact mappings at line 5, column 7:/);
  });

  it('rejects duplicate keys', () => {
    const result = parseYamlDocuments('type: Mesh\ntype: Dataplane\n', 'stdin');
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.match(result.errors[0] ?? '', /^invalid YAML in stdin:2:1: Map keys must be unique/);
  });
});
