import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every Python file of the fixtures under 200 KB, with its text (tests comparing parses over real files). */
export function fixturePythonFiles(): Array<{ name: string; text: string }> {
  const out: Array<{ name: string; text: string }> = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else if (e.endsWith('.py') && st.size < 200_000) out.push({ name: p, text: readFileSync(p, 'utf8') });
    }
  };
  walk(join(import.meta.dirname, '..', '..', 'fixtures'));
  return out;
}
