/**
 * Regular expressions in routes and retries end up in Envoy, which compiles them with RE2. Kuma
 * stores whatever it is given and Envoy then rejects the whole configuration; Meshplane refuses a
 * pattern up front (stricter than Kuma).
 *
 * We compile with JavaScript's RegExp, which is not RE2:
 * - RE2 has inline flag groups `(?i)`, `(?s:...)` and named groups `(?P<name>...)`; they are rewritten
 *   to JavaScript forms before compiling, so valid RE2 is not refused.
 * - JavaScript has lookaround `(?=`, `(?!`, `(?<=`, `(?<!` and backreferences `\1`, `\k<name>`; RE2
 *   has none of them, so they are refused even though RegExp compiles them.
 * - Other differences (POSIX classes `[[:alpha:]]`, `\pN`, `\C`) compile under RegExp's lenient
 *   (non-unicode) mode, so at worst a pattern RE2 refuses gets through here; never the reverse.
 */

/** Finds lookaround and backreferences outside character classes. */
function re2UnsupportedFeature(pattern: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      const after = pattern[i + 2] ?? '';
      if (!inClass && /[1-9]/.test(next) && !/[0-9]/.test(after)) return 'backreferences';
      if (!inClass && next === 'k' && after === '<') return 'backreferences';
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    if (c === '(' && /^\(\?(=|!|<=|<!)/.test(pattern.slice(i))) return 'lookaround';
  }
  return undefined;
}

/** Rewrites the RE2-only group syntax that RegExp would refuse. */
function toJavaScriptSyntax(pattern: string): string {
  return pattern
    .replace(/\(\?P</g, '(?<')
    .replace(/\(\?[imsU]+(-[imsU]+)?\)/g, '')
    .replace(/\(\?[imsU]*(-[imsU]+)?:/g, '(?:');
}

/** Problems with a pattern Envoy must compile; empty when it is usable. */
export function regexErrors(pattern: string): string[] {
  const feature = re2UnsupportedFeature(pattern);
  if (feature) return [`must be an RE2 regular expression, which has no ${feature}; got ${JSON.stringify(pattern)}`];
  try {
    new RegExp(toJavaScriptSyntax(pattern));
    return [];
  } catch {
    return [`must be a valid regular expression; got ${JSON.stringify(pattern)}`];
  }
}
