// process.exit() from a greenlet. In Electron's browser process it is app.exit()
// (lib/browser/init.ts maps it), which destroys the windows and runs the quit sequence on
// the calling thread: UI-thread work, so from any greenlet but the main one it is
// marshalled to the main greenlet. As in Electron, it then returns; the caller is killed
// with the other suspended greenlets when the quit emits 'exit'. In plain Node it ends
// the process from whichever thread calls it, and is left as it is.
import { isMainThread } from 'node:worker_threads';
import { onMain } from './greenlet';

if (process.versions.electron !== undefined && (process as { type?: string }).type === 'browser' && isMainThread) {
  const appExit = process.exit;
  process.exit = function exit(code?: number | string | null): never {
    return onMain(() => appExit.call(process, code));
  } as typeof process.exit;
}
