import type { ProtocolId } from '../protocols';

/** What one load-generator process does against one server. */
export interface LoadConfig {
  /** ws://127.0.0.1:<port> */
  readonly origin: string;
  readonly protocol: ProtocolId;
  readonly room: string;
  /** C: connections that join the room and only receive. */
  readonly receivers: number;
  /** Worker threads the receivers are spread over. */
  readonly threads: number;
  /** Receivers bind to 127.0.0.2 … 127.0.0.(1 + addresses), so source ports do not run out. */
  readonly addresses: number;
  readonly connectConcurrency: number;
  /**
   * Server processes that accept connections. Above 1, a receiver that lands
   * on a node already holding its share is closed and opened again, so the
   * receivers split evenly and half the deliveries cross workers.
   */
  readonly serverNodes: number;
  readonly handshakeTimeoutMs: number;
  /** Messages sent first and not measured, so every server runs JIT-warm code. */
  readonly warmupMessages: number;
  /** M: messages of the saturation phase. */
  readonly messages: number;
  /** Messages in flight during warm-up and saturation. */
  readonly window: number;
  /** Messages of the light phase: one at a time, at least `lightIntervalMs` apart. */
  readonly lightMessages: number;
  readonly lightIntervalMs: number;
  /** A phase with no completed message for this long stops, and the run reports what was lost. */
  readonly stallTimeoutMs: number;
}

/** The phases, in order; each owns a range of sequence numbers. */
export const PHASES = ['warmup', 'saturation', 'light'] as const;
export type Phase = (typeof PHASES)[number];

/** The first sequence number of each phase, and the end of the last. */
export function phaseStarts(config: LoadConfig): readonly [number, number, number, number] {
  const sat = config.warmupMessages;
  const light = sat + config.messages;
  return [0, sat, light, light + config.lightMessages];
}

/** What a receiver thread tells the generator's main thread. */
export type ThreadMessage =
  | { readonly type: 'joined'; readonly nodes: Record<string, number> }
  | { readonly type: 'connected'; readonly count: number }
  | { readonly type: 'failed'; readonly error: string }
  | { readonly type: 'done'; readonly seqs: number[] }
  | { readonly type: 'report'; readonly report: ThreadReport }
  | { readonly type: 'closed' };

/** What the main thread tells a receiver thread. */
export type ThreadCommand =
  { readonly type: 'connect'; readonly publisherNode: string } | { readonly type: 'report' } | { readonly type: 'close' };

/** A receiver thread's counts at the end of a run. */
export interface ThreadReport {
  readonly receivers: number;
  /** Distinct (receiver, message) pairs that arrived, per phase. */
  readonly unique: [number, number, number];
  readonly duplicates: number;
  /** Deliveries that arrived after a later message of the same publisher. */
  readonly outOfOrder: number;
  /** Latency histograms (µs) per phase, for receivers on the publisher's node and on another. */
  readonly latency: Record<'saturation' | 'light', { readonly local: Float64Array; readonly cross: Float64Array }>;
}
