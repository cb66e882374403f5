// Electron apps (the browser process) in development (started by Electron's default app, which sets
// process.defaultApp, as `electron .` does) get one warning the first time a garbage
// collection does work on a greenlet's thread that Electron's objects need done on the UI
// thread: the atomic pause (pre-finalizers, weak callbacks) or the end of a C++ heap sweep
// (destructors). README, "Garbage collection on greenlet threads".
import { isMainThread } from 'node:worker_threads';
import { binding } from './native';

const inDevelopment =
  (process as { type?: string }).type === 'browser' && isMainThread && (process as { defaultApp?: boolean }).defaultApp === true;

if (inDevelopment) {
  binding.onFirstCarrierCollection(() => {
    process.emitWarning(
      "a garbage collection ran on a greenlet's thread, not on Electron's UI thread: Electron " +
        'objects that had become garbage may have been finalized there, and some of them crash ' +
        'off the UI thread. Destroy Tray, Menu, BrowserWindow and WebContents objects explicitly ' +
        '(destroy(), close()) instead of dropping them; let long computations in a greenlet wait ' +
        'or sleep now and then, so that V8 finishes its collections on the UI thread; never force ' +
        'a collection. stats().gc counts where collections ran. See tendril\'s README, "Garbage ' +
        'collection on greenlet threads" (shown once, in development).',
      { type: 'GreenletWarning', code: 'TENDRIL_GC_ON_GREENLET_THREAD' },
    );
  });
}
