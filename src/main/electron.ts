// tendril/electron: greenlets in Electron's main process.
//
//   const { appLoop, ui, ipcChannel, handle } = require('tendril/electron');
//   appLoop(() => {
//     const win = new ui.BrowserWindow({ webPreferences: { preload } });
//     waitFor(win.loadFile('index.html'));
//     for (const key of ipcChannel('key')) win.webContents.send('echo', key);
//   });
//
// Electron's main-process APIs must run on the UI thread (the main greenlet's); code in
// any other greenlet runs on a thread of its own. `ui` is the electron module with every
// access marshalled to the main greenlet (see marshal.ts). Never force a GC (global.gc())
// from greenlet code in Electron: a GC on a carrier thread can run Electron finalizers
// there.
//
// The module requires 'electron' on first use, not when loaded: plain Node can load it
// (and createElectronLayer/marshal work anywhere); `ui`, appLoop, ipcChannel and handle
// throw outside Electron's main process. The main entry, 'tendril', never loads it.
import './process-exit';
import type { GreenletExit } from './errors';
import {
  createElectronLayer,
  type AppLoopOptions,
  type ElectronLayer,
  type IpcChannel,
  type IpcMessage,
} from './electron-layer';

export { createElectronLayer, IpcChannel } from './electron-layer';
export type { AppLoopOptions, ElectronLayer, ElectronLike, IpcChannelOptions, IpcMessage } from './electron-layer';
export { marshal, unmarshal, isMarshalled } from './marshal';

type ElectronMain = typeof import('electron');
type MainLayer = ElectronLayer<ElectronMain, Electron.IpcMainEvent, Electron.IpcMainInvokeEvent>;

let layer: MainLayer | undefined;

function loadElectron(): ElectronMain {
  if (process.versions.electron === undefined) {
    throw new Error(
      "tendril/electron: not running in Electron (process.versions.electron is unset); ui, appLoop, ipcChannel and handle work in Electron's main process only",
    );
  }
  if ((process as { type?: string }).type === 'renderer') {
    throw new Error('tendril/electron is for the main process; preload scripts use tendril/renderer');
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('electron') as ElectronMain;
}

function current(): MainLayer {
  layer ??= createElectronLayer<ElectronMain, Electron.IpcMainEvent, Electron.IpcMainInvokeEvent>(loadElectron());
  return layer;
}

/**
 * The electron module, every property read, call and `new` run on the main greenlet
 * (the UI thread) through onMain(); returned objects are marshalled the same way and
 * keep their identity (`ui.BrowserWindow.getAllWindows()[0] === win`). Callbacks passed
 * in run on the main greenlet when Electron calls them. A marshalled call cannot wait
 * or switch greenlets (GreenletError).
 */
export const ui: ElectronMain = new Proxy({} as ElectronMain, {
  get: (_, key) => Reflect.get(current().ui, key),
  set: (_, key, value) => Reflect.set(current().ui, key, value),
  has: (_, key) => Reflect.has(current().ui, key),
  ownKeys: () => Reflect.ownKeys(current().ui),
  getOwnPropertyDescriptor: (_, key) => {
    const descriptor = Reflect.getOwnPropertyDescriptor(current().ui, key);
    return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
  },
});

/** See ElectronLayer.appLoop: runs `fn` as the app greenlet once the app is ready. */
export function appLoop<T>(fn: () => T, options?: AppLoopOptions): Promise<Awaited<T> | GreenletExit> {
  return current().appLoop(fn, options);
}

/** See ElectronLayer.ipcChannel: a Channel fed by ipcMain.on(name). */
export function ipcChannel<T = unknown>(name: string, options?: { withEvent?: false }): IpcChannel<T>;
export function ipcChannel(name: string, options: { withEvent: true }): IpcChannel<IpcMessage<Electron.IpcMainEvent>>;
export function ipcChannel(name: string, options?: { withEvent?: boolean }): IpcChannel<unknown> {
  return current().ipcChannel(name, options as { withEvent: true });
}

/**
 * See ElectronLayer.handle: ipcMain.handle whose handler runs in a greenlet. The
 * arguments are whatever the renderer sent: unannotated they are `unknown`; annotate
 * them (`(event, file: string) => ...`) to state what your renderer sends.
 */
export function handle<A extends unknown[], R>(channel: string, fn: (event: Electron.IpcMainInvokeEvent, ...args: A) => R): () => void {
  return current().handle(channel, fn);
}
