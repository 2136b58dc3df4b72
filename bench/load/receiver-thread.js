// Worker-thread entry: worker threads do not inherit `-r` preloads reliably, so load the TypeScript hook here.
require('../support/ts-hook.js');
require('./receiver-thread.ts');
