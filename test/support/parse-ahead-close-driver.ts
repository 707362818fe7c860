/**
 * Run as a child process by parse-ahead.test.ts (bundled there): starts the parse-ahead worker on the
 * given Python files again and again, closes it after each of the given delays (the main thread busy
 * meanwhile, as when it builds the model), and at last closes one and exits at once. A worker
 * terminated in the middle of a parse aborts the whole process, which is what the test looks for.
 *
 * argv: worker script, folder of Python files, delays in ms (comma-separated).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ParseAhead } from '../../src/parse/python-ahead.js';

const [script, folder, delayList] = process.argv.slice(2) as [string, string, string];
const files = readdirSync(folder)
  .sort()
  .map((name) => ({ path: name, absPath: join(folder, name), size: statSync(join(folder, name)).size }));

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // the main thread at work
  }
}

const delays = delayList.split(',').map(Number);
let closed = 0;
for (const delay of delays) {
  const ahead = ParseAhead.start({ script });
  if (!ahead) throw new Error('the worker did not start');
  ahead.submit({ files });
  busyFor(delay);
  ahead.close();
  closed++;
}
const last = ParseAhead.start({ script })!;
last.submit({ files });
busyFor(delays[0]!);
last.close();
process.stdout.write(`closed ${closed + 1}\n`);
process.exit(0);
