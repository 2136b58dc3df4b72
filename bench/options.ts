import { join } from 'node:path';
import { CONTENDER_IDS, CONTENDERS, DEFAULT_SERVERS, type ContenderId } from './contenders';

/** Everything a bench run can be told; see `usage()` and bench/README.md. */
export interface BenchOptions {
  /** C values: receivers in the room. Default 1,000 and 5,000. */
  readonly clients: readonly number[];
  /** Runs of each (server, C), interleaved. Default 3. */
  readonly reps: number;
  readonly servers: readonly ContenderId[];
  /** Deliveries the saturation phase aims at; M = ceil(deliveries / C). Default 500,000. */
  readonly deliveries: number;
  /** Deliveries of the unmeasured warm-up. Default 50,000. */
  readonly warmupDeliveries: number;
  /** Messages in flight during saturation. Default 10. */
  readonly window: number;
  /** Messages of the light phase. Default 40. */
  readonly lightMessages: number;
  /** Least time between light-phase messages, in ms. Default 25. */
  readonly lightIntervalMs: number;
  /** Receiver threads of the load generator. Default 2. */
  readonly threads: number;
  /** Source addresses 127.0.0.2 … (1 + addresses). Default 50. */
  readonly addresses: number;
  readonly redisUrl: string;
  /** Folder of the JSON results. Default bench/results. */
  readonly outDir: string;
  /** Print the progress line. Default: when stderr is a terminal. */
  readonly progress: boolean;
  readonly quick: boolean;
  /** Write V8 CPU profiles of every server process to `<outDir>/profiles/`. Default false. */
  readonly profile: boolean;
  /** Run the noisy-neighbour scenario instead of the fan-out runs (see noisy-neighbour.ts). Default false. */
  readonly noisy: boolean;
  /** Run the soak scenario instead of the fan-out runs (see soak.ts). Default false. */
  readonly soak: boolean;
  /** Connection cycles per soak round. Default 10 000. */
  readonly soakCycles: number;
  /** Room messages delivered per soak round. Default 200 000. */
  readonly soakDeliveries: number;
  /** Soak rounds after the warm-up. Default 3. */
  readonly soakRounds: number;
  /** Run the recovery scenario instead of the fan-out runs (see recovery.ts). Default false. */
  readonly recovery: boolean;
  /** Clients that reconnect at once in the recovery scenario. Default 1,000. */
  readonly recoveryClients: number;
  /** Frames each of them missed. Default 1,000 (the history's size). */
  readonly recoveryMissed: number;
  /** Runs of the recovery scenario on each server. Default 1. */
  readonly recoveryReps: number;
  /** Measure the memory of full room histories instead of the fan-out runs (see history-memory.ts). Default false. */
  readonly historyMemory: boolean;
  /** Bytes of each frame members get (without its offset) in the history-memory measurement. Default 100. */
  readonly historyFrameBytes: number;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  clients: [1000, 5000],
  reps: 3,
  servers: DEFAULT_SERVERS,
  deliveries: 500_000,
  warmupDeliveries: 50_000,
  window: 10,
  lightMessages: 40,
  lightIntervalMs: 25,
  threads: 2,
  addresses: 50,
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  outDir: join(__dirname, 'results'),
  progress: process.stderr.isTTY === true,
  quick: false,
  profile: false,
  noisy: false,
  soak: false,
  soakCycles: 10_000,
  soakDeliveries: 200_000,
  soakRounds: 3,
  recovery: false,
  recoveryClients: 1000,
  recoveryMissed: 1000,
  recoveryReps: 1,
  historyMemory: false,
  historyFrameBytes: 100,
};

/** What `--quick` changes: one run of each, smaller phases. */
export const QUICK_OPTIONS: Partial<BenchOptions> = {
  reps: 1,
  deliveries: 100_000,
  warmupDeliveries: 10_000,
  lightMessages: 10,
};

export function usage(): string {
  return `npm run bench -- [options]

  --quick                 one run per server and C, smaller phases (< 3 min)
  --clients 1000,5000     receivers in the room (C), comma-separated
  --reps 3                runs of each server and C, interleaved
  --servers a,b           subset of: ${CONTENDER_IDS.join(', ')}
                          (default: all but ${CONTENDER_IDS.filter((id) => CONTENDERS[id].optIn).join(', ')})
  --deliveries 500000     deliveries per saturation phase (M = deliveries / C)
  --warmup 50000          deliveries of the unmeasured warm-up
  --window 10             messages in flight during saturation
  --light 40              messages of the light (paced) phase
  --light-interval 25     ms between light-phase messages, at least
  --threads 2             receiver threads in the load generator
  --out bench/results     folder for the JSON file
  --progress / --no-progress
  --profile               write V8 CPU profiles of the servers to <out>/profiles/ (slows them down)
  --noisy                 only the noisy-neighbour scenario: a quiet client's round trips while others flood
  --soak                  only the soak scenario: memory of a 2-worker cluster over many connections and messages
  --soak-cycles 10000     connect/join/publish/close cycles per soak round
  --soak-deliveries 200000  room messages delivered per soak round
  --soak-rounds 3         soak rounds after the warm-up
  --recovery              only the recovery scenario: clients of a history room reconnect at once and get what they missed
                          (servers: the history rows, or those of them named in --servers)
  --recovery-clients 1000 clients that reconnect at once
  --recovery-missed 1000  frames each missed (at most the history's 1000)
  --recovery-reps 1       runs of the recovery scenario per server
  --history-memory        only the memory of full room histories (1000 frames per room), in the servers and in Redis
  --history-frame-bytes 100  bytes of each of those frames as members get them (at least ~100: the envelope and a stamp)
Env: REDIS_URL (default redis://127.0.0.1:6379)`;
}

const positiveInt = (name: string, value: string | undefined): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs a whole number >= 1, got "${value}"`);
  return n;
};

/** Parses the command line; throws with a message naming the bad option. */
export function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
  const set: { -readonly [K in keyof BenchOptions]?: BenchOptions[K] } = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string | undefined => argv[++i];
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--quick':
        set.quick = true;
        break;
      case '--clients':
        set.clients = (value() ?? '').split(',').map((v) => positiveInt('--clients', v));
        break;
      case '--reps':
        set.reps = positiveInt(flag, value());
        break;
      case '--servers': {
        const ids = (value() ?? '').split(',');
        const unknown = ids.filter((id) => !(CONTENDER_IDS as readonly string[]).includes(id));
        if (unknown.length > 0) throw new Error(`--servers: unknown ${unknown.join(', ')}; choose from ${CONTENDER_IDS.join(', ')}`);
        set.servers = CONTENDER_IDS.filter((id) => ids.includes(id));
        break;
      }
      case '--deliveries':
        set.deliveries = positiveInt(flag, value());
        break;
      case '--warmup':
        set.warmupDeliveries = positiveInt(flag, value());
        break;
      case '--window':
        set.window = positiveInt(flag, value());
        break;
      case '--light':
        set.lightMessages = positiveInt(flag, value());
        break;
      case '--light-interval':
        set.lightIntervalMs = positiveInt(flag, value());
        break;
      case '--threads':
        set.threads = positiveInt(flag, value());
        break;
      case '--out':
        set.outDir = value() ?? '';
        break;
      case '--progress':
        set.progress = true;
        break;
      case '--no-progress':
        set.progress = false;
        break;
      case '--profile':
        set.profile = true;
        break;
      case '--noisy':
        set.noisy = true;
        break;
      case '--soak':
        set.soak = true;
        break;
      case '--soak-cycles':
        set.soakCycles = positiveInt(flag, value());
        break;
      case '--soak-deliveries':
        set.soakDeliveries = positiveInt(flag, value());
        break;
      case '--soak-rounds':
        set.soakRounds = positiveInt(flag, value());
        break;
      case '--recovery':
        set.recovery = true;
        break;
      case '--recovery-clients':
        set.recoveryClients = positiveInt(flag, value());
        break;
      case '--recovery-missed':
        set.recoveryMissed = positiveInt(flag, value());
        break;
      case '--recovery-reps':
        set.recoveryReps = positiveInt(flag, value());
        break;
      case '--history-memory':
        set.historyMemory = true;
        break;
      case '--history-frame-bytes':
        set.historyFrameBytes = positiveInt(flag, value());
        break;
      default:
        throw new Error(`unknown option ${flag}\n\n${usage()}`);
    }
  }
  return { ...DEFAULT_OPTIONS, ...(set.quick ? QUICK_OPTIONS : {}), ...set };
}
