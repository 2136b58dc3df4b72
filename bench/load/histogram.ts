/**
 * A latency histogram in microseconds: exact 1 µs buckets below 100 µs, then
 * buckets 1 % wide up to about 40 s. Fixed size, so each thread keeps its
 * own, and merging is adding counts.
 */
const LINEAR = 100;
const GROWTH = Math.log(1.01);
export const HISTOGRAM_BUCKETS = LINEAR + 1300;

export function newHistogram(): Float64Array {
  return new Float64Array(HISTOGRAM_BUCKETS);
}

function bucketOf(us: number): number {
  if (us < LINEAR) return us < 0 ? 0 : Math.floor(us);
  return Math.min(HISTOGRAM_BUCKETS - 1, LINEAR + Math.floor(Math.log(us / LINEAR) / GROWTH));
}

/** The value a bucket stands for: its middle. */
function valueOf(bucket: number): number {
  if (bucket < LINEAR) return bucket + 0.5;
  return LINEAR * Math.exp((bucket - LINEAR + 0.5) * GROWTH);
}

export function record(histogram: Float64Array, us: number): void {
  histogram[bucketOf(us)]++;
}

export function mergeInto(target: Float64Array, source: ArrayLike<number>): void {
  for (let i = 0; i < target.length; i++) target[i] += source[i];
}

export function countOf(histogram: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < histogram.length; i++) n += histogram[i];
  return n;
}

/** The q-quantile (0 < q <= 1) in microseconds, or null when the histogram is empty. */
export function quantile(histogram: ArrayLike<number>, q: number): number | null {
  const total = countOf(histogram);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i];
    if (seen >= rank) return valueOf(i);
  }
  return valueOf(histogram.length - 1);
}
