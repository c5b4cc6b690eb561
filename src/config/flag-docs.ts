/**
 * Text generated from the flag table: the description `meshplane run --help` shows, and the
 * Markdown table in docs/cli.md (between the `flags:begin` / `flags:end` markers).
 */
import { FLAGS, defaultText, envVarOf, type FlagSpec } from './flags.js';

export const DOC_BEGIN_MARKER = '<!-- flags:begin (generated from src/config/flags.ts; UPDATE_GOLDEN=1 npm test rewrites it) -->';
export const DOC_END_MARKER = '<!-- flags:end -->';

/** One help line: `REST API port (0: pick a free port) (default: 5681, env: MESHPLANE_API_PORT)`. */
export function helpDescription(f: FlagSpec): string {
  const def = defaultText(f);
  return `${f.description} (${def === '' ? '' : `default: ${def}, `}env: ${envVarOf(f)})`;
}

export function flagTableMarkdown(): string {
  const esc = (text: string): string => text.replace(/\|/g, '\\|');
  const lines = ['| flag | environment variable | default | meaning |', '| --- | --- | --- | --- |'];
  for (const f of FLAGS) {
    const def = defaultText(f);
    lines.push(`| \`--${f.name} <${f.valueName}>\` | \`${envVarOf(f)}\` | ${def === '' ? '(none)' : `\`${esc(def)}\``} | ${esc(f.description)} |`);
  }
  return lines.join('\n');
}

/** Replaces the generated section of a document; throws if the markers are missing. */
export function replaceFlagSection(doc: string): string {
  const begin = doc.indexOf(DOC_BEGIN_MARKER);
  const end = doc.indexOf(DOC_END_MARKER);
  if (begin < 0 || end < begin) throw new Error('the flag table markers are missing from the document');
  return `${doc.slice(0, begin + DOC_BEGIN_MARKER.length)}\n${flagTableMarkdown()}\n${doc.slice(end)}`;
}
