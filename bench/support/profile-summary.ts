// Prints where a server spent its CPU: self time per function, summed over
// the V8 CPU profiles `npm run bench -- --profile` wrote.
// Usage: node -r @swc-node/register bench/support/profile-summary.ts <dir> [top]
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [dir, top = '30'] = process.argv.slice(2);
if (!dir) throw new Error('usage: profile-summary.ts <dir with .cpuprofile files> [top]');
const self = new Map<string, number>();
let total = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
  const names = new Map(
    profile.nodes.map((n) => {
      const url = n.callFrame.url ? relative(process.cwd(), n.callFrame.url.replace('file://', '')) : '';
      return [n.id, `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`];
    }),
  );
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const name = names.get(id) ?? '?';
    self.set(name, (self.get(name) ?? 0) + us);
    total += us;
  });
}
const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(top));
for (const [name, us] of rows)
  console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`);
