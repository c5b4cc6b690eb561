#!/usr/bin/env node
// The `meshplane` command. The code lives in TypeScript under src/cli and runs compiled from dist/.
import { main } from '../dist/src/cli/main.js';

main().catch((err) => {
  process.stderr.write(`Error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
