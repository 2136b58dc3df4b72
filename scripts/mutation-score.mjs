#!/usr/bin/env node
// Prints the mutation score per file and in all of one or more Stryker JSON
// reports: `node scripts/mutation-score.mjs reports/mutation/backplanes-*.json`.
// A scope run in parts (MUTATE_REPORT names each part's report) adds up to the
// scope's score this way; a file named in several reports counts from the
// last one given (a re-run after its tests improved). Score = (killed + timeout) / (killed + timeout +
// survived + no coverage), as Stryker counts it; ignored mutants and
// runtime or compile errors are left out of it and shown apart.
import { readFileSync } from 'node:fs';

const STATUSES = ['Killed', 'Timeout', 'Survived', 'NoCoverage', 'Ignored', 'RuntimeError', 'CompileError'];

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node scripts/mutation-score.mjs <report.json> [...]');
  process.exit(2);
}

/** @type {Map<string, Record<string, number>>} */
const byFile = new Map();
for (const report of files) {
  const { files: mutated } = JSON.parse(readFileSync(report, 'utf8'));
  for (const [path, { mutants }] of Object.entries(mutated)) {
    // A file re-run later (after its tests improved) is scored from the last report that names it.
    const counts = Object.fromEntries(STATUSES.map((s) => [s, 0]));
    for (const { status } of mutants) counts[status] = (counts[status] ?? 0) + 1;
    byFile.set(path, counts);
  }
}

const score = (c) => {
  const detected = c.Killed + c.Timeout;
  const valid = detected + c.Survived + c.NoCoverage;
  return valid === 0 ? 'n/a' : `${((100 * detected) / valid).toFixed(1)}%`;
};
const row = (name, c) =>
  `| ${name} | ${STATUSES.reduce((n, s) => n + c[s], 0)} | ${c.Killed} | ${c.Timeout} | ${c.Survived} | ${c.NoCoverage} | ${c.Ignored} | ${c.RuntimeError + c.CompileError} | ${score(c)} |`;

console.log('| file | mutants | killed | timeout | survived | no cov. | ignored | errors | score |');
console.log('|---|---|---|---|---|---|---|---|---|');
const total = Object.fromEntries(STATUSES.map((s) => [s, 0]));
for (const [path, counts] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
  console.log(row(path, counts));
  for (const s of STATUSES) total[s] += counts[s];
}
console.log(row('**all**', total));
