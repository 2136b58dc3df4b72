import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../../cli/cli-error';
import { CliErrorCode } from '../../cli/cli-error-codes';
import { applyPlan, FilePlan } from '../../cli/file-plan';

describe('a file plan with produced files (tarballs packed only when written)', () => {
  let dir: string;
  const output = { out: () => undefined, err: () => undefined };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sb-plan-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a dry run never makes them', () => {
    const plan = new FilePlan();
    const bytes = jest.fn(() => Buffer.from('tarball'));
    plan.produce(join(dir, 'vendor', 'x.tgz'), { origin: 'packed from somewhere', bytes });
    applyPlan(plan, { dryRun: true, base: dir }, output);
    expect(bytes).not.toHaveBeenCalled();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('one that cannot be made stops the plan before any file is written', () => {
    const plan = new FilePlan();
    plan.create(join(dir, 'package.json'), '{}\n');
    plan.produce(join(dir, 'vendor', 'x.tgz'), {
      origin: 'packed from somewhere',
      bytes: () => {
        throw new CliError(CliErrorCode.PACK_FAILED, 'npm pack failed');
      },
    });
    expect(() => applyPlan(plan, { base: dir }, output)).toThrow('npm pack failed');
    expect(existsSync(join(dir, 'package.json'))).toBe(false);
  });
});
