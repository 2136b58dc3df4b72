import { availableParallelism } from 'node:os';

/** Where the cluster runner writes its log lines. Nest's `Logger` fits. */
export interface ClusterLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What happened in the cluster, as the primary saw it. */
export type ClusterEvent =
  | {
      readonly type: 'listening';
      /** The worker's slot, 0 … workers-1; a restarted worker takes the slot of the one it replaces. */
      readonly slot: number;
      readonly pid: number;
      readonly port: number;
      /** Node ids the worker's `ClusterIpcBackplane`s announced (none with another backplane). */
      readonly nodes: readonly string[];
    }
  | {
      readonly type: 'exit';
      readonly slot: number;
      readonly pid: number;
      readonly code: number | null;
      readonly signal: string | null;
      /** Registry entries the primary had to remove for it: 0 when the worker drained cleanly. */
      readonly purged: number;
      /** True when the worker exited because the cluster is shutting down. */
      readonly draining: boolean;
    }
  | { readonly type: 'restarting'; readonly slot: number; readonly delay: number }
  /** A worker process was started in `slot` (it is still loading until its `listening`). */
  | { readonly type: 'forked'; readonly slot: number; readonly pid: number }
  | { readonly type: 'draining'; readonly signal: string }
  | { readonly type: 'stopped'; readonly killed: number };

/** Options of `runCluster()`. */
export interface ClusterOptions {
  /** Workers to fork. Default: `os.availableParallelism()`. */
  readonly workers?: number;
  /** Delay before restarting a worker that died, in ms; doubles while it keeps dying young. Default 100. */
  readonly restartDelay?: number;
  /** Longest delay between restarts, in ms. Default 5 000. */
  readonly maxRestartDelay?: number;
  /** A worker that lived this long before dying restarts after `restartDelay` again. Default 10 000 ms. */
  readonly stableAfter?: number;
  /** How long the primary waits for draining workers before it kills them, in ms. Default 10 000. */
  readonly shutdownTimeout?: number;
  /** Signals that make the primary drain the cluster. Default `['SIGTERM', 'SIGINT']`. */
  readonly signals?: readonly NodeJS.Signals[];
  /** Default: Nest's `Logger` with context `Cluster`. */
  readonly logger?: ClusterLogger;
  /** Called in the primary for every lifecycle event. Default: none. */
  readonly onEvent?: (event: ClusterEvent) => void;
}

/** Every option's default; `runCluster()` merges the caller's options over these once. */
export const CLUSTER_DEFAULTS = {
  workers: availableParallelism(),
  restartDelay: 100,
  maxRestartDelay: 5000,
  stableAfter: 10_000,
  shutdownTimeout: 10_000,
  signals: ['SIGTERM', 'SIGINT'] as readonly NodeJS.Signals[],
} satisfies Partial<ClusterOptions>;

/** An application the cluster can stop: a Nest app fits. */
export interface ClusterApp {
  close(): Promise<void>;
}

/** Builds and starts one worker's application (listening on the shared port); resolves to it. */
export type ClusterBootstrap = () => Promise<ClusterApp>;
