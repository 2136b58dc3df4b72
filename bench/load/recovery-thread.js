// Worker-thread entry of the recovery scenario's clients: worker threads do not inherit `-r` preloads reliably.
require('@swc-node/register');
require('./recovery-thread.ts');
