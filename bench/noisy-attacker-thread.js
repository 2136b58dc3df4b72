// Worker-thread entry of the noisy-neighbour attackers: worker threads do not inherit `-r` preloads reliably.
require('@swc-node/register');
require('./noisy-attacker.ts');
