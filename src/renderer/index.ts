// tendril/renderer: the preload side of the Electron bridge, for windows with
// contextIsolation on and nodeIntegration off. The page gets `send`, `on` and `invoke`
// for the app's own channels and nothing else (no ipcRenderer, no event objects).
//
//   // preload.js
//   require('tendril/renderer').exposeBridge({ send: ['key'], on: ['output'], invoke: ['info'] });
//   // page
//   window.tendril.send('key', 'a');
//   const off = window.tendril.on('output', (text) => append(text));
//   const info = await window.tendril.invoke('info');
//
// Main-process side: `send` channels feed ipcChannel(name) (or ipcMain.on), `on`
// channels carry webContents.send(name, ...), `invoke` channels are served by
// handle(name, fn) (or ipcMain.handle).
//
// This module requires only 'electron' (and only inside exposeBridge). A sandboxed
// preload (sandbox: true, Electron's default) cannot require packages: bundle the
// preload with this module, or use `sandbox: false` with contextIsolation on.

/** Any channel signature a schema may give (the bound only: nothing is typed `any`). */
type Fn = (...args: any[]) => unknown;

/** Channel names and signatures, for typing: `exposeBridge<MySchema>(...)`. */
export interface BridgeSchema {
  /** renderer → main messages: channel → (...args) => void */
  send?: Record<string, Fn>;
  /** main → renderer messages: channel → the listener's signature */
  on?: Record<string, Fn>;
  /** renderer → main requests: channel → (...args) => result */
  invoke?: Record<string, Fn>;
}

/** A bridge without a schema: any channel name, every argument and result `unknown`. */
export interface UntypedSchema {
  send: Record<string, (...args: unknown[]) => void>;
  on: Record<string, (...args: unknown[]) => void>;
  invoke: Record<string, (...args: unknown[]) => unknown>;
}

type Section<S extends BridgeSchema, K extends keyof BridgeSchema> = NonNullable<S[K]> extends Record<string, Fn>
  ? NonNullable<S[K]>
  : UntypedSchema[K];
type Names<S extends BridgeSchema, K extends keyof BridgeSchema> = keyof Section<S, K> & string;

/** What the page gets. */
export interface Bridge<S extends BridgeSchema = UntypedSchema> {
  /** Sends a message on a `send` channel (ipcRenderer.send). */
  send<C extends Names<S, 'send'>>(channel: C, ...args: Parameters<Section<S, 'send'>[C]>): void;
  /** Listens on an `on` channel; the listener gets the message's arguments (no event).
   *  Returns a function that stops listening. */
  on<C extends Names<S, 'on'>>(channel: C, listener: Section<S, 'on'>[C]): () => void;
  /** Calls an `invoke` channel (ipcRenderer.invoke): the handler's result or error. */
  invoke<C extends Names<S, 'invoke'>>(
    channel: C,
    ...args: Parameters<Section<S, 'invoke'>[C]>
  ): Promise<Awaited<ReturnType<Section<S, 'invoke'>[C]>>>;
  /** The channels this bridge allows. */
  readonly channels: { readonly send: readonly string[]; readonly on: readonly string[]; readonly invoke: readonly string[] };
}

/** The channels a bridge allows, by kind. */
export interface BridgeChannels<S extends BridgeSchema = UntypedSchema> {
  send?: ReadonlyArray<Names<S, 'send'>>;
  on?: ReadonlyArray<Names<S, 'on'>>;
  invoke?: ReadonlyArray<Names<S, 'invoke'>>;
}

/** What the bridge needs of Electron's ipcRenderer. */
export interface IpcRendererLike {
  send(channel: string, ...args: any[]): void;
  on(channel: string, listener: (event: any, ...args: any[]) => void): unknown;
  removeListener(channel: string, listener: (event: any, ...args: any[]) => void): unknown;
  invoke(channel: string, ...args: any[]): Promise<any>;
}

/** What exposeBridge needs of Electron's contextBridge. */
export interface ContextBridgeLike {
  exposeInMainWorld(key: string, api: unknown): void;
}

export interface ExposeOptions {
  /** The global the page sees (default 'tendril': `window.tendril`). */
  key?: string;
  /** Electron's modules; defaults to require('electron') (for tests and bundlers). */
  contextBridge?: ContextBridgeLike;
  ipcRenderer?: IpcRendererLike;
}

function names(kind: string, list: readonly string[] | undefined): readonly string[] {
  if (list === undefined) return Object.freeze([]);
  if (!Array.isArray(list)) throw new TypeError(`bridge channels.${kind} must be an array of channel names`);
  for (const name of list) {
    if (typeof name !== 'string' || name === '') {
      throw new TypeError(`bridge channels.${kind} must hold non-empty strings, not ${String(name)}`);
    }
  }
  return Object.freeze([...new Set(list)]);
}

/**
 * Builds the page's API over `ipcRenderer`, allowing only the listed channels: a call on
 * any other channel throws. Listeners get the message's arguments, never the event.
 */
export function createBridge<S extends BridgeSchema = UntypedSchema>(
  ipcRenderer: IpcRendererLike,
  channels: BridgeChannels<S>,
): Bridge<S> {
  if (typeof channels !== 'object' || channels === null) throw new TypeError('createBridge() takes { send, on, invoke } channel lists');
  const allowed = {
    send: names('send', channels.send),
    on: names('on', channels.on),
    invoke: names('invoke', channels.invoke),
  };
  const check = (kind: 'send' | 'on' | 'invoke', channel: unknown): string => {
    if (typeof channel !== 'string' || !allowed[kind].includes(channel)) {
      const list = allowed[kind].length === 0 ? 'none' : allowed[kind].join(', ');
      throw new Error(`tendril bridge: ${JSON.stringify(channel)} is not an allowed ${kind} channel (allowed: ${list})`);
    }
    return channel;
  };
  const bridge = {
    send(channel: string, ...args: unknown[]): void {
      ipcRenderer.send(check('send', channel), ...args);
    },
    on(channel: string, listener: Fn): () => void {
      const name = check('on', channel);
      if (typeof listener !== 'function') throw new TypeError('tendril bridge: on() takes a listener function');
      const forward = (_event: unknown, ...args: unknown[]): void => {
        listener(...args);
      };
      ipcRenderer.on(name, forward);
      let listening = true;
      return () => {
        if (!listening) return;
        listening = false;
        ipcRenderer.removeListener(name, forward);
      };
    },
    invoke(channel: string, ...args: unknown[]): Promise<unknown> {
      try {
        return ipcRenderer.invoke(check('invoke', channel), ...args);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    channels: Object.freeze(allowed),
  };
  return Object.freeze(bridge) as unknown as Bridge<S>;
}

/**
 * In a preload script: exposes createBridge(ipcRenderer, channels) to the page as
 * `window[key]` (default `window.tendril`) through contextBridge.exposeInMainWorld, and
 * returns it (for the preload's own use).
 */
export function exposeBridge<S extends BridgeSchema = UntypedSchema>(channels: BridgeChannels<S>, options: ExposeOptions = {}): Bridge<S> {
  const key = options.key ?? 'tendril';
  let { contextBridge, ipcRenderer } = options;
  if ((contextBridge === undefined || ipcRenderer === undefined) && process.versions.electron !== undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const electron = require('electron') as { contextBridge?: ContextBridgeLike; ipcRenderer?: IpcRendererLike };
    contextBridge ??= electron.contextBridge;
    ipcRenderer ??= electron.ipcRenderer;
  }
  if (contextBridge === undefined || ipcRenderer === undefined) {
    throw new Error('tendril/renderer: exposeBridge() runs in an Electron preload script (no contextBridge/ipcRenderer here)');
  }
  const bridge = createBridge<S>(ipcRenderer, channels);
  contextBridge.exposeInMainWorld(key, bridge);
  return bridge;
}
