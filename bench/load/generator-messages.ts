import type { LoadConfig, Phase } from './load-config';

/** Latency figures of one phase, in milliseconds (null when nothing arrived). */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number | null;
  readonly p99: number | null;
  /** p50 of receivers on the publisher's node only. */
  readonly localP50: number | null;
  /** p50 of receivers on another node (cluster servers only). */
  readonly crossP50: number | null;
}

/** One phase's message counts. */
export interface PhaseCounts {
  /** Messages the publisher sent. */
  readonly sent: number;
  /** Distinct deliveries that arrived; `sent × receivers` when none was lost. */
  readonly delivered: number;
  /** True when the phase stopped because messages stopped completing. */
  readonly stalled: boolean;
}

/** What the load generator measured against one server. */
export interface LoadResult {
  readonly receivers: number;
  /** Receivers per server node (process). */
  readonly nodes: Record<string, number>;
  readonly publisherNode: string;
  /** Receivers on a node other than the publisher's. */
  readonly crossReceivers: number;
  readonly connectMs: number;
  readonly phases: Record<Phase, PhaseCounts>;
  /** Wall time of the saturation phase, first send to last delivery. */
  readonly saturationMs: number;
  readonly duplicates: number;
  readonly outOfOrder: number;
  /** Deliveries of its own messages the publisher received: must be 0. */
  readonly selfDeliveries: number;
  readonly latency: { readonly saturation: LatencySummary; readonly light: LatencySummary };
}

/** Generator → orchestrator, over the child-process IPC channel. */
export type GeneratorEvent =
  | { readonly type: 'joined'; readonly nodes: Record<string, number>; readonly publisherNode: string }
  | { readonly type: 'warmed' }
  | { readonly type: 'saturated' }
  | { readonly type: 'paced' }
  | { readonly type: 'progress'; readonly phase: Phase | 'connect'; readonly done: number; readonly total: number }
  | { readonly type: 'result'; readonly result: LoadResult }
  | { readonly type: 'failed'; readonly error: string };

/** Orchestrator → generator: start the generator's next step. */
export type GeneratorCommand = { readonly type: 'start'; readonly config: LoadConfig } | { readonly type: 'next' };
