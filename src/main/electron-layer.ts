// The Electron layer over any module shaped like Electron's main-process `electron`:
// `ui`, `appLoop`, `ipcChannel`, `handle`. tendril/electron builds it over the real
// module; the tests run it in an Electron-shaped host (test/electron-host/).
//
// Everything this layer does to Electron runs on the main greenlet's thread: either in
// Electron's own callbacks (which it calls on the UI thread) or through onMain().
import { EventChannel } from './channel';
import { GreenletExit } from './errors';
import { onMain } from './greenlet';
import { marshal, unmarshal } from './marshal';
import { spawn, Task } from './task';

type Listener = (...args: any[]) => void;

/** What the layer needs of Electron's main-process module. */
export interface ElectronLike {
  app: {
    whenReady(): PromiseLike<unknown>;
    on(event: any, listener: Listener): unknown;
    removeListener(event: any, listener: Listener): unknown;
    quit(): void;
    exit(code?: number): void;
  };
  ipcMain: {
    on(channel: string, listener: Listener): unknown;
    removeListener(channel: string, listener: Listener): unknown;
    handle(channel: string, handler: (event: any, ...args: any[]) => unknown): void;
    removeHandler(channel: string): void;
  };
  dialog?: { showErrorBox(title: string, content: string): void };
}

/** Options of appLoop(). */
export interface AppLoopOptions {
  /** Quit the app when the app function returns (default true). */
  quitOnReturn?: boolean;
  /**
   * Show an uncaught error of the app function in a dialog (dialog.showErrorBox), besides
   * writing it to stderr (default true). Turn it off where nobody can dismiss a dialog.
   */
  errorDialog?: boolean;
}

/** Options of ipcChannel(). */
export interface IpcChannelOptions {
  /**
   * Deliver `{ event, args }` (the event marshalled, so `event.sender.send()` works from
   * a greenlet) instead of the message's arguments.
   */
  withEvent?: boolean;
}

/** A message of an `ipcChannel(name, { withEvent: true })`. */
export interface IpcMessage<E = unknown> {
  /** Electron's IpcMainEvent, marshalled. */
  event: E;
  /** The arguments the renderer sent. */
  args: unknown[];
}

/**
 * A Channel fed by `ipcMain.on(name)`; `close()` removes the listener (values already
 * received are still delivered, then iteration ends).
 */
export class IpcChannel<T = unknown> extends EventChannel<T> {}

export interface ElectronLayer<E extends ElectronLike, MainEvent = unknown, InvokeEvent = unknown> {
  /** The module, marshalled: every read, call and `new` runs on the main greenlet. */
  readonly ui: E;
  /**
   * After `app.whenReady()`, runs `fn` as the app greenlet (a spawn() task). When `fn`
   * returns, the app quits (unless `quitOnReturn: false`). When it throws, the error is
   * written to stderr and shown with `dialog.showErrorBox` (unless `errorDialog: false`)
   * and the app exits with code 1. When the app quits meanwhile (a quit() call, the last
   * window closed), the quit waits while the greenlet is killed with GreenletExit (its
   * `finally` blocks run, and may still wait), then goes on.
   *
   * Returns a Promise of `fn`'s value (the GreenletExit when a quit killed it), rejected
   * with its error (that rejection never counts as unhandled: it is reported already).
   */
  appLoop<T>(fn: () => T, options?: AppLoopOptions): Promise<Awaited<T> | GreenletExit>;
  /**
   * A Channel fed by `ipcMain.on(name)`: each message sends its one argument
   * (`undefined` for none, an array for several), or `{ event, args }` with
   * `withEvent: true`. Receive it from a greenlet; `close()` stops listening.
   */
  ipcChannel<T = unknown>(name: string, options?: { withEvent?: false }): IpcChannel<T>;
  ipcChannel(name: string, options: { withEvent: true }): IpcChannel<IpcMessage<MainEvent>>;
  /**
   * `ipcMain.handle(channel)` whose handler runs `fn(event, ...args)` in a new greenlet
   * (spawn()), so it may wait (waitFor, sleep, receive, blocking calls) and use `ui`; the
   * renderer's `invoke()` resolves with its result or rejects with its error. `event` is
   * marshalled. Returns a function that removes the handler.
   */
  handle<A extends unknown[], R>(channel: string, fn: (event: InvokeEvent, ...args: A) => R): () => void;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  try {
    return `uncaught value: ${typeof error === 'string' ? error : JSON.stringify(error)}`;
  } catch {
    return `uncaught value: ${String(error)}`;
  }
}

/**
 * Builds the Electron layer over `electron` (Electron's main-process module, or anything
 * with its shape). tendril/electron does this once with `require('electron')`.
 */
export function createElectronLayer<E extends ElectronLike, MainEvent = unknown, InvokeEvent = unknown>(
  electron: E,
): ElectronLayer<E, MainEvent, InvokeEvent> {
  if (typeof electron !== 'object' || electron === null) throw new TypeError('createElectronLayer() takes the electron module');
  const ui = marshal(electron);

  function report(error: unknown, dialog: boolean): void {
    const text = describeError(error);
    try {
      process.stderr.write(`tendril appLoop: the app greenlet failed:\n${text}\n`);
    } catch {
      // stderr closed: the dialog (or the exit code) is all that is left
    }
    if (dialog && electron.dialog !== undefined) {
      try {
        electron.dialog.showErrorBox('Uncaught error in the app', text);
      } catch {
        // no dialog possible: the error is on stderr
      }
    }
  }

  function appLoop<T>(fn: () => T, options: AppLoopOptions = {}): Promise<Awaited<T> | GreenletExit> {
    if (typeof fn !== 'function') throw new TypeError('appLoop() takes a function');
    const quitOnReturn = options.quitOnReturn ?? true;
    const errorDialog = options.errorDialog ?? true;
    const result = onMain(() => {
      const { app } = electron;
      let task: Task<T> | null = null;
      let killing = false;
      // 'will-quit' comes after the windows closed, for every way of quitting but exit().
      const onWillQuit = (event: { preventDefault(): void }): void => {
        if (task === null || task.dead) return;
        event.preventDefault();
        if (killing) return;
        killing = true;
        task.kill(); // GreenletExit where it waits; the quit resumes once it has ended
      };
      app.on('will-quit', onWillQuit);
      return Promise.resolve(app.whenReady()).then(() => {
        const started = spawn(fn);
        task = started;
        return started.promise.then(
          (value) => {
            app.removeListener('will-quit', onWillQuit);
            if (killing || quitOnReturn) app.quit();
            return value;
          },
          (error: unknown) => {
            app.removeListener('will-quit', onWillQuit);
            report(error, errorDialog);
            app.exit(1);
            throw error;
          },
        );
      });
    });
    result.catch(() => {});
    return result;
  }

  function ipcChannel(name: string, options: IpcChannelOptions = {}): IpcChannel<unknown> {
    if (typeof name !== 'string') throw new TypeError('ipcChannel() takes a channel name');
    const withEvent = options.withEvent === true;
    const channel = new IpcChannel<unknown>(() => onMain(() => electron.ipcMain.removeListener(name, listener)));
    function listener(event: unknown, ...args: unknown[]): void {
      if (channel.closed) return;
      channel.send(withEvent ? { event: marshal(event), args } : args.length <= 1 ? args[0] : args);
    }
    onMain(() => electron.ipcMain.on(name, listener));
    return channel;
  }

  function handle<A extends unknown[], R>(name: string, fn: (event: InvokeEvent, ...args: A) => R): () => void {
    if (typeof name !== 'string') throw new TypeError('handle() takes a channel name');
    if (typeof fn !== 'function') throw new TypeError('handle() takes a handler function');
    const handler = (event: unknown, ...args: unknown[]): Promise<unknown> => {
      // The arguments are what the renderer sent: A is the handler's own claim about them.
      const task = spawn(() => fn(marshal(event) as InvokeEvent, ...(args as A)));
      return task.promise.then((value) => {
        // Killed (the app is quitting): the renderer gets an error, not a GreenletExit.
        if (value instanceof GreenletExit) throw value;
        return unmarshal(value);
      });
    };
    onMain(() => electron.ipcMain.handle(name, handler));
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      onMain(() => electron.ipcMain.removeHandler(name));
    };
  }

  return { ui, appLoop, ipcChannel: ipcChannel as ElectronLayer<E, MainEvent, InvokeEvent>['ipcChannel'], handle };
}
