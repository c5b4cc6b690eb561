/**
 * Splits the text given to `meshplane apply -f` into its YAML documents (`---` separated).
 * Any syntax error anywhere rejects the whole input, so a broken file applies nothing.
 * Empty documents (a leading or trailing `---`) are skipped.
 */
import { parseAllDocuments } from 'yaml';

export interface SourceDocument {
  /** 1-based position among the documents in the input, empty ones included. */
  readonly position: number;
  readonly value: unknown;
}

export type DocumentsResult =
  | { readonly ok: true; readonly documents: readonly SourceDocument[] }
  | { readonly ok: false; readonly errors: readonly string[] };

/** `source` names the input in messages: a file path or `stdin`. */
export function parseYamlDocuments(text: string, source: string): DocumentsResult {
  const parsed = parseAllDocuments(text);
  const docs = Array.isArray(parsed) ? parsed : [];
  const errors: string[] = [];
  const documents: SourceDocument[] = [];
  docs.forEach((doc, i) => {
    for (const e of doc.errors) {
      const at = e.linePos?.[0];
      const where = at === undefined ? '' : `:${at.line}:${at.col}`;
      errors.push(`invalid YAML in ${source}${where}: ${e.message.trimEnd()}`);
    }
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) documents.push({ position: i + 1, value });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, documents };
}
