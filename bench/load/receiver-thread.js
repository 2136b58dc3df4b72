// Worker-thread entry: worker threads do not inherit `-r` preloads reliably, so load the TypeScript hook here.
require('@swc-node/register');
require('./receiver-thread.ts');
