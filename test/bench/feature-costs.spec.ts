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
});
