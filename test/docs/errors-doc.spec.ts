// docs/reference/errors.md is generated from the error catalogs (npm run docs:errors):
// it must be what the generator produces now, and list every code of every kind.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliErrorCode } from '../../cli/cli-error-codes';
import { ClientErrorCode } from '../../client/errors';
import { ERRORS_DOC, documentedCodes, renderErrorsDoc, type DocumentedKind } from '../../scripts/errors-doc';
import { BootErrorCode, CloseCode, ErrorCode, RuntimeErrorCode } from '../../src';
import { REPO } from '../support/repo';

/** Every code constant, by the kind the catalog files it under. */
const CONSTANTS: Record<DocumentedKind, readonly (string | number)[]> = {
  wire: Object.values(ErrorCode),
  close: Object.values(CloseCode),
  boot: Object.values(BootErrorCode),
  runtime: Object.values(RuntimeErrorCode),
  client: Object.values(ClientErrorCode),
  cli: Object.values(CliErrorCode),
};

/** The first line where two texts differ, to say where the checked-in file went stale. */
function firstDifference(actual: string, expected: string): string {
  const [a, e] = [actual.split('\n'), expected.split('\n')];
  const line = a.findIndex((text, i) => text !== e[i]);
  const at = line === -1 ? a.length : line;
  return `line ${at + 1}:\n  checked in: ${a[at] ?? '(end of file)'}\n  generated:  ${e[at] ?? '(end of file)'}`;
}

describe(ERRORS_DOC, () => {
  const checkedIn = readFileSync(join(REPO, ERRORS_DOC), 'utf8');
  const generated = renderErrorsDoc();

  it('is what the generator produces from the catalogs', () => {
    if (checkedIn !== generated) {
      throw new Error(`${ERRORS_DOC} differs from what the error catalogs generate: run npm run docs:errors\n${firstDifference(checkedIn, generated)}`);
    }
  });

  // The catalogs are Records over the code types, so tsc refuses a code without a description; jest
  // compiles without type checks, so this says the same here.
  it.each(Object.keys(CONSTANTS) as DocumentedKind[])('describes every %s code, and no other', (kind) => {
    const described = documentedCodes().filter((c) => c.kind === kind);
    expect(described.map((c) => c.code).sort()).toEqual([...CONSTANTS[kind]].sort());
    for (const { code, when, fix } of described) expect({ code, when: when.trim() !== '', fix: fix.trim() !== '' }).toEqual({ code, when: true, fix: true });
  });

  it('lists every code of the catalogs in a table row of its own', () => {
    const rows = new Set(checkedIn.split('\n').flatMap((line) => /^\| `([^`]+)` \|/.exec(line)?.[1] ?? []));
    const missing = documentedCodes().filter((c) => !rows.has(String(c.code)));
    expect(missing.map((c) => `${c.kind} ${c.code}`)).toEqual([]);
  });
});
