import { featureCosts } from '../../bench/report/table';
import type { SummaryRow } from '../../bench/report/summary';

const row = (contender: string, clients: number, cpu: number, rate: number): SummaryRow =>
  ({
    contender,
    label: contender,
    clients,
    runs: 1,
    figures: { cpuMicrosPerDelivery: cpu, lightCpuMicrosPerDelivery: cpu * 2, deliveriesPerSecond: rate },
  }) as unknown as SummaryRow;

describe('bench report: what a feature costs', () => {
  it('states the signed row over the unsigned one of the same C, and nothing for rows without a baseline', () => {
    const rows = [
      row('switchboard-redis', 5000, 4, 1_000_000),
      row('switchboard-redis-signed', 5000, 4.1, 980_000),
      row('switchboard-redis', 100, 8, 500_000),
      row('switchboard', 5000, 3, 2_000_000),
    ];
    expect(featureCosts(rows)).toEqual([
      '- signed envelopes (HMAC-SHA256): switchboard-redis-signed over switchboard-redis: CPU/delivery × 1.025, light CPU/delivery × 1.025, deliveries/s × 0.980',
    ]);
    expect(featureCosts(rows.filter((r) => r.contender !== 'switchboard-redis'))).toEqual([]);
  });

  it('says whether room history stays within its target (× 1.15 the CPU per delivery of the same room without history)', () => {
    const rows = [
      row('switchboard', 5000, 4, 1_000_000),
      row('switchboard-history', 5000, 4.4, 950_000),
      row('switchboard-ipc', 5000, 5, 1),
    ];
    rows.push(row('switchboard-ipc-history', 5000, 6, 1));
    expect(featureCosts(rows)).toEqual([
      '- room history: switchboard-history over switchboard: CPU/delivery × 1.100 (target ≤ × 1.15: met), light CPU/delivery × 1.100, deliveries/s × 0.950',
      '- room history: switchboard-ipc-history over switchboard-ipc: CPU/delivery × 1.200 (target ≤ × 1.15: NOT met), light CPU/delivery × 1.200, deliveries/s × 1.000',
    ]);
  });
});
