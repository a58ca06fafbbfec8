// Preloaded into the hub by bench/sessions.ts (node --expose-gc -r): SIGUSR2 runs a full garbage
// collection, so the bench reads the memory live objects hold, not garbage awaiting a collection.
'use strict';
process.on('SIGUSR2', () => globalThis.gc?.());
