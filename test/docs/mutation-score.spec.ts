// scripts/mutation-score.mjs adds up Stryker reports, such as the parts of a
// scope run one after the other, into the per-file and overall scores that
// CONTRIBUTING.md reports.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../support/repo';
import { runNode } from '../support/run-process';

const report = (files: Record<string, string[]>) =>
  JSON.stringify({
    schemaVersion: '2',
    thresholds: { high: 80, low: 60 },
    files: Object.fromEntries(Object.entries(files).map(([path, statuses]) => [path, { language: 'typescript', source: '', mutants: statuses.map((status, i) => ({ id: String(i), mutatorName: 'X', replacement: '', location: {}, status })) }])),
  });

describe('scripts/mutation-score.mjs', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'mutation-score-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scores each file and all of them across reports: (killed + timeout) / (those + survived + no coverage)', async () => {
    writeFileSync(join(dir, 'a.json'), report({ 'src/a.ts': ['Killed', 'Killed', 'Timeout', 'Survived'], 'src/b.ts': ['Ignored', 'NoCoverage'] }));
    writeFileSync(join(dir, 'b.json'), report({ 'src/c.ts': ['Killed', 'RuntimeError'] }));
    const { code, stdout } = await runNode(['scripts/mutation-score.mjs', join(dir, 'a.json'), join(dir, 'b.json')], REPO, 20_000);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual([
      '| file | mutants | killed | timeout | survived | no cov. | ignored | errors | score |',
      '|---|---|---|---|---|---|---|---|---|',
      '| src/a.ts | 4 | 2 | 1 | 1 | 0 | 0 | 0 | 75.0% |',
      '| src/b.ts | 2 | 0 | 0 | 0 | 1 | 1 | 0 | 0.0% |',
      '| src/c.ts | 2 | 1 | 0 | 0 | 0 | 0 | 1 | 100.0% |',
      '| **all** | 8 | 3 | 1 | 1 | 1 | 1 | 1 | 66.7% |',
    ]);
  });

  it('scores a file named in several reports from the last one: a re-run replaces the first run', async () => {
    writeFileSync(join(dir, 'first.json'), report({ 'src/a.ts': ['Survived', 'Survived', 'Killed'] }));
    writeFileSync(join(dir, 'again.json'), report({ 'src/a.ts': ['Killed', 'Killed', 'Timeout'] }));
    const { stdout } = await runNode(['scripts/mutation-score.mjs', join(dir, 'first.json'), join(dir, 'again.json')], REPO, 20_000);
    expect(stdout).toContain('| src/a.ts | 3 | 2 | 1 | 0 | 0 | 0 | 0 | 100.0% |');
  });

  it('says how to call it when given no report', async () => {
    const { code, stderr } = await runNode(['scripts/mutation-score.mjs'], REPO, 20_000);
    expect({ code, stderr }).toEqual({ code: 2, stderr: 'usage: node scripts/mutation-score.mjs <report.json> [...]\n' });
  });
});
