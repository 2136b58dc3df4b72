// Smoke test of `npm run bench`: the script starts real servers and the real
// load generator, and writes a well-formed row and JSON file. Tiny C, one
// run, two servers; no figure is judged (speed belongs to the bench itself).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchResults } from '../../bench/report/results';
import { FIGURES } from '../../bench/report/summary';
import { REPO } from '../support/repo';
import { runNode, TS_NODE, type ProcessResult } from '../support/run-process';

function runBench(args: string[]): Promise<ProcessResult> {
  return runNode([...TS_NODE, 'bench/main.ts', ...args], REPO, 50_000);
}

describe('npm run bench (smoke)', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs raw ws, Switchboard and its history row end to end, writes a well-formed row for each, and states what history costs', async () => {
    const { code, stdout, stderr } = await runBench([
      ...['--servers', 'ws,switchboard,switchboard-history', '--clients', '20', '--reps', '1'],
      ...['--deliveries', '2000', '--warmup', '200', '--light', '3', '--light-interval', '5', '--no-progress'],
      ...['--out', out],
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.not.stringContaining('FAILED') });

    // The terminal table: a header and one row per server, ratios included.
    expect(stdout).toContain('### C = 20 receivers');
    expect(stdout).toMatch(/^\| raw ws, pre-framed \| \d+k \| \d+\.\d{3} \|/m);
    expect(stdout).toMatch(/^\| Switchboard, 1 process \| \d+k \| \d+\.\d{3} \|/m);
    expect(stdout).toMatch(/^\| Switchboard, 1 process \| \d+\.\d\d \/ – \|/m);

    const files = readdirSync(out).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(1);
    const results = JSON.parse(readFileSync(join(out, files[0]), 'utf8')) as BenchResults;
    expect(results.runs.map((r) => [r.contender, r.clients, r.error])).toEqual([
      ['ws', 20, undefined],
      ['switchboard', 20, undefined],
      ['switchboard-history', 20, undefined],
    ]);
    expect(stdout).toMatch(/^\| Switchboard, 1 process, history \| \d+k \| \d+\.\d{3} \|.*\| yes \|$/m);
    expect(stdout).toMatch(
      /^- room history: Switchboard, 1 process, history over Switchboard, 1 process: CPU\/delivery × \d+\.\d{3} \(target ≤ × 1\.15: (met|NOT met)\)/m,
    );
    for (const run of results.runs) {
      // Every message reached all 20 receivers, once and in order, and never its sender.
      expect(run).toMatchObject({ complete: true, lost: 0, load: { duplicates: 0, outOfOrder: 0, selfDeliveries: 0, receivers: 20 } });
      expect(run.load?.phases.saturation.delivered).toBe(run.load!.phases.saturation.sent * 20);
      expect(run.serverProcesses).toBeGreaterThanOrEqual(1);
    }
    for (const row of results.summary) {
      expect(row).toMatchObject({ runs: 1, failed: 0, complete: true });
      for (const figure of FIGURES) expect(Number.isFinite(row.figures[figure])).toBe(true);
    }
  }, 60_000);

  it("runs the soak on a 2-worker cluster and prints every process's memory after each round", async () => {
    const { code, stdout, stderr } = await runBench(['--soak', '--soak-cycles', '50', '--soak-deliveries', '800', '--soak-rounds', '1']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.stringContaining('soak: after round 1 done') });
    expect(stdout).toContain('| process | figure | after warm-up | after round 1 |');
    for (const who of ['primary', 'worker 1', 'worker 2']) {
      expect(stdout).toMatch(new RegExp(`^\\| ${who} \\| RSS \\| \\d+\\.\\d \\| \\d+\\.\\d \\|$`, 'm'));
      expect(stdout).toMatch(new RegExp(`^\\| ${who} \\| V8 heap used \\| \\d+\\.\\d \\| \\d+\\.\\d \\|$`, 'm'));
    }
    // Warm-up: 5 cycles and 2 publishes; round 1: 50 cycles and 20 publishes; each one reaches the 40 listeners.
    expect(stdout).toContain(
      'Each round: 50 connect/join/publish/close cycles, 40 listeners, 800 room messages delivered; 3080 delivered in all, none missing.',
    );
  }, 60_000);

  it('runs the recovery scenario: every client that reconnects gets exactly what it missed', async () => {
    const { code, stdout, stderr } = await runBench([
      ...['--recovery', '--servers', 'switchboard-history', '--recovery-clients', '10', '--recovery-missed', '20'],
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.not.stringContaining('FAILED') });
    expect(stdout).toContain('## Recovery: 10 clients reconnect at once, each rejoins since its position and gets the 20 frames it missed');
    expect(stdout).toMatch(/^\| Switchboard, 1 process, history \| \d+ \| .* \| 10 \/ 10 of 10 \| none \|$/m);
  }, 60_000);

  it('refuses an unknown server with a message naming the choices', async () => {
    const { code, stderr } = await runBench(['--servers', 'nope']);
    expect(code).toBe(2);
    expect(stderr).toContain('--servers: unknown nope; choose from ws, socketio');
  });
});
