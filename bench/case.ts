/**
 * Child-process entry of one benchmark case: `node --expose-gc dist/bench/case.js <scenario> '<json>'`.
 * Imports dist/bench/scenarios/<scenario>.js, runs its `runCase(params)`, prints the result as one
 * JSON line, and exits (open handles of a failed case must not keep the child alive).
 */
const [scenario, params] = process.argv.slice(2);
if (scenario === undefined || !/^[a-z0-9-]+$/.test(scenario)) {
  process.stderr.write('usage: case.js <scenario> <json params>\n');
  process.exit(2);
}
try {
  const mod = (await import(`./scenarios/${scenario}.js`)) as { runCase?: (p: unknown) => Promise<unknown> };
  if (typeof mod.runCase !== 'function') throw new Error(`scenario ${scenario} has no runCase`);
  const result = await mod.runCase(JSON.parse(params ?? '{}'));
  // Exit only once the line is written: stdout to a pipe is asynchronous, and exiting at once cut
  // results longer than the pipe's buffer (1,000 proxies' samples) short.
  process.stdout.write(`\n${JSON.stringify(result)}\n`, () => process.exit(0));
} catch (err) {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}
