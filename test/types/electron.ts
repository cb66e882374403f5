// Compiled (not run) by test/types.test.mjs in a project that has electron installed
// (its typings: tendril's optional peer dependency), against the packed package, in
// every module resolution mode. See usage.ts for how expect-error and notAny() work.
import { waitFor, blocking, GreenletExit } from 'tendril';
import { appLoop, ui, ipcChannel, handle, marshal, type IpcChannel, type IpcMessage } from 'tendril/electron';
import { createBridge, exposeBridge, type Bridge, type IpcRendererLike } from 'tendril/renderer';
import * as fs from 'node:fs';

declare function notAny<T>(value: T, ...isAny: 0 extends 1 & T ? ['is any'] : []): void;

const readFile = blocking(fs.promises.readFile);

const done: Promise<string | GreenletExit> = appLoop(() => {
  const win = new ui.BrowserWindow({ webPreferences: { preload: `${__dirname}/preload.js`, sandbox: false } });
  waitFor(win.loadFile('index.html'));
  // handle(): the arguments are what the renderer sent; unannotated, they are unknown.
  handle('load', (event, file: string) => readFile(file, 'utf8'));
  handle('size', (event, file) => {
    notAny(file);
    // @ts-expect-error unknown until annotated or narrowed
    return file.length;
  });
  handle('sender', (event) => event.sender.id);
  const keys: IpcChannel<string> = ipcChannel<string>('key');
  for (const key of keys) {
    if (key === 'q') break;
    win.webContents.send('echo', key);
  }
  const messages: IpcChannel<IpcMessage<Electron.IpcMainEvent>> = ipcChannel('raw', { withEvent: true });
  const untyped = ipcChannel('untyped');
  notAny(untyped.receive());
  messages.close();
  return win.getTitle();
});
const proxied: typeof ui.app = marshal(ui.app);

// The preload bridge, typed by a schema.
type Schema = {
  send: { key: (key: string) => void };
  on: { echo: (key: string) => void };
  invoke: { load: (file: string) => string };
};
const bridge: Bridge<Schema> = exposeBridge<Schema>({ send: ['key'], on: ['echo'], invoke: ['load'] });
bridge.send('key', 'a');
// @ts-expect-error key takes a string
bridge.send('key', 1);
// @ts-expect-error not a channel of the schema
bridge.send('nope', 'a');
const stop: () => void = bridge.on('echo', (key) => void (key satisfies string));
const loaded: Promise<string> = bridge.invoke('load', 'notes.txt');

// Without a schema every value is unknown, never any.
declare const ipcRenderer: IpcRendererLike;
const plain = createBridge(ipcRenderer, { send: ['x'], on: ['y'], invoke: ['z'] });
plain.send('x', 1, 'two');
plain.on('y', (value) => notAny(value));
void plain.invoke('z').then((value) => notAny(value));

void [done, proxied, stop, loaded];
