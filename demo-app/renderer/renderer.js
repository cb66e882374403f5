// The demo's page: a terminal that shows what the app logic writes and sends every key.
// It talks to the app through a bridge with send/on/invoke: in Electron that is
// window.tendril, exposed by the preload script (tendril/renderer); in a browser it is
// the same API over a WebSocket to the browser host (browser/server.js).
'use strict';
(function () {
  const transcript = document.getElementById('transcript');
  const terminal = document.getElementById('terminal');
  const clock = document.getElementById('clock');
  const infoLine = document.getElementById('info');
  const status = document.getElementById('status');
  let text = '';
  let closed = false;

  /** The same bridge as tendril/renderer's, over the browser host's WebSocket. */
  function socketBridge() {
    const socket = new WebSocket(`ws://${location.host}/ws`);
    const listeners = new Map();
    const calls = new Map();
    const queue = [];
    let nextId = 1;
    const post = (message) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
      else if (socket.readyState === WebSocket.CONNECTING) queue.push(message);
    };
    socket.addEventListener('open', () => {
      for (const message of queue.splice(0)) socket.send(JSON.stringify(message));
    });
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(event.data);
      if (message.type === 'event') {
        for (const listener of listeners.get(message.channel) ?? []) listener(...message.args);
      } else if (message.type === 'result') {
        const call = calls.get(message.id);
        calls.delete(message.id);
        if (call === undefined) return;
        if (message.ok) call.resolve(message.value);
        else call.reject(new Error(message.error));
      }
    });
    socket.addEventListener('close', () => {
      for (const listener of listeners.get('closed') ?? []) listener('disconnected');
      for (const call of calls.values()) call.reject(new Error('disconnected'));
      calls.clear();
    });
    return {
      send: (channel, ...args) => post({ type: 'send', channel, args }),
      on(channel, listener) {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel).add(listener);
        return () => listeners.get(channel).delete(listener);
      },
      invoke: (channel, ...args) =>
        new Promise((resolve, reject) => {
          const id = nextId++;
          calls.set(id, { resolve, reject });
          post({ type: 'invoke', id, channel, args });
        }),
    };
  }

  const bridge = window.tendril ?? socketBridge();

  function append(chunk) {
    for (const char of chunk) {
      if (char === '\b') text = text.slice(0, -1);
      else text += char;
    }
    transcript.textContent = text;
    terminal.scrollTop = terminal.scrollHeight;
  }

  bridge.on('output', append);
  bridge.on('clock', (time) => {
    clock.textContent = time;
  });
  bridge.on('closed', (why) => {
    if (closed) return;
    closed = true;
    document.body.classList.add('closed');
    status.textContent = why === 'quit' ? 'Session ended: the app has quit.' : 'Disconnected from the app.';
  });

  document.addEventListener('keydown', (event) => {
    if (closed || event.ctrlKey || event.metaKey || event.altKey) return;
    let char = null;
    if (event.key === 'Enter') char = '\n';
    else if (event.key === 'Backspace') char = '\b';
    else if (event.key.length === 1) char = event.key;
    if (char === null) return;
    event.preventDefault();
    bridge.send('key', char);
  });
  terminal.focus();

  bridge
    .invoke('info')
    .then((info) => {
      const runtime = info.electron ? `Electron ${info.electron} (Node ${info.node})` : `Node ${info.node}`;
      infoLine.textContent = `tendril ${info.tendril} · ${runtime} · ${info.host} host · pid ${info.pid}`;
    })
    .catch((error) => {
      infoLine.textContent = `info: ${error.message}`;
    });
  // Listeners are in place: the app may start writing.
  bridge.send('ready');
})();
