import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../../test/support/golden.js';
import { flagTableMarkdown, helpDescription, replaceFlagSection } from './flag-docs.js';
import { defaultText, FLAGS, envVarOf, flagOf } from './flags.js';

const CLI_DOC = join(REPO_ROOT, 'docs', 'cli.md');

describe('the flag table', () => {
  it('gives every flag a distinct name, key and variable', () => {
    assert.equal(new Set(FLAGS.map((f) => f.name)).size, FLAGS.length);
    assert.equal(new Set(FLAGS.map((f) => f.key)).size, FLAGS.length);
    assert.equal(envVarOf(flagOf('apiBodyLimitBytes')), 'MESHPLANE_API_BODY_LIMIT');
    assert.equal(envVarOf(flagOf('globalKdsAddress')), 'MESHPLANE_GLOBAL_KDS_ADDRESS');
  });

  it('accepts its own defaults', () => {
    for (const f of FLAGS) {
      if (f.defaultValue === null) continue;
      const parsed = f.parse(defaultText(f));
      assert.ok(parsed.ok, `default of --${f.name} is rejected by its own parser`);
      assert.equal(parsed.value, f.defaultValue);
    }
  });

  it('shows default and variable in --help', () => {
    assert.equal(helpDescription(flagOf('apiPort')), 'REST API port (0: pick a free port) (default: 5681, env: MESHPLANE_API_PORT)');
    assert.equal(
      helpDescription(flagOf('readyFile')),
      'also write the ready line (JSON with the bound addresses) to this file (env: MESHPLANE_READY_FILE)',
    );
  });

  it('renders one Markdown row per flag', () => {
    const rows = flagTableMarkdown().split('\n');
    assert.equal(rows.length, FLAGS.length + 2);
    assert.ok(rows.includes('| `--api-port <port>` | `MESHPLANE_API_PORT` | `5681` | REST API port (0: pick a free port) |'));
    assert.ok(rows.includes('| `--ready-file <path>` | `MESHPLANE_READY_FILE` | (none) | also write the ready line (JSON with the bound addresses) to this file |'));
  });

  it('is the table in docs/cli.md (UPDATE_GOLDEN=1 rewrites the doc)', () => {
    const doc = readFileSync(CLI_DOC, 'utf8');
    const expected = replaceFlagSection(doc);
    if (process.env.UPDATE_GOLDEN === '1' && expected !== doc) writeFileSync(CLI_DOC, expected);
    else assert.equal(doc, expected, 'docs/cli.md is out of date with src/config/flags.ts; run UPDATE_GOLDEN=1 npm test');
  });
});
