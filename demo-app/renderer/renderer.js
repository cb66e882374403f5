// The demo's page: a terminal that shows what the app logic writes and sends what the
// user types. It talks to the app through a bridge with send/on/invoke: in Electron that
// is window.tendril, exposed by the preload script (tendril/renderer); in a browser it is
// the same API over a WebSocket to the browser host (browser/server.js).
//
// Input goes through a hidden textarea at the cursor, as in terminal emulators, so that
// whatever a text field takes arrives: typed text, emoji, dead keys and IME compositions
// (its 'input' and 'compositionend' events), paste (Ctrl+V or the context menu: the
// 'paste' event). Keys that are not text are sent as a terminal sends them: '\n' for
// Enter, '\b' for Backspace, escape sequences for the arrows, Home, End and Delete. The
// app does the line editing and the echo (app/line-editor.js); screen.js follows what it
// writes. Output is drawn once per frame, and only the last MAX_LINES lines are kept, so
// a long transcript stays as quick as a short one.
'use strict';
(function () {
  const terminal = document.getElementById('terminal');
  const transcript = document.getElementById('transcript');
  const scrollback = document.getElementById('scrollback');
  const before = document.getElementById('before');
  const cursor = document.getElementById('cursor');
  const after = document.getElementById('after');
  const input = document.getElementById('input');
  const clock = document.getElementById('clock');
  const infoLine = document.getElementById('info');
  const status = document.getElementById('status');
  const MAX_LINES = 2000;
  const KEYS = {
    Enter: '\n',
    Backspace: '\b',
    Delete: '\x1b[3~',
    ArrowLeft: '\x1b[D',
    ArrowRight: '\x1b[C',
    ArrowUp: '\x1b[A',
    ArrowDown: '\x1b[B',
    Home: '\x1b[H',
    End: '\x1b[F',
    Tab: '', // keeps the focus here; the app takes no tabs
  };
  /** A key message carries at most this much pasted text. */
  const CHUNK = 4096;
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

  // --- output -------------------------------------------------------------------------
  const screen = new window.Screen();
  const cursorText = cursor.insertBefore(document.createTextNode(''), input);
  let queued = '';
  let drawing = false;
  let shownLines = 0;
  let finishedLines = 0; // all of them, also those no longer shown (transcript's data-lines)

  function output(chunk) {
    queued += chunk;
    if (drawing) return;
    drawing = true;
    requestAnimationFrame(draw);
  }

  function draw() {
    drawing = false;
    screen.write(queued);
    queued = '';
    const lines = screen.takeFinished();
    if (lines.length > 0) {
      // One block per frame: the browser lays out only what was added.
      const block = document.createElement('div');
      block.textContent = `${lines.join('\n')}\n`;
      block.dataset.lines = String(lines.length);
      scrollback.append(block);
      shownLines += lines.length;
      finishedLines += lines.length;
      transcript.dataset.lines = String(finishedLines);
      while (shownLines > MAX_LINES && scrollback.firstChild !== block) {
        shownLines -= Number(scrollback.firstChild.dataset.lines);
        scrollback.firstChild.remove();
      }
    }
    const { chars, col } = screen;
    before.textContent = chars.slice(0, col).join('');
    cursorText.data = chars[col] ?? '';
    cursor.classList.toggle('at-end', col === chars.length);
    after.textContent = chars.slice(col + 1).join('');
    terminal.scrollTop = terminal.scrollHeight;
  }

  bridge.on('output', output);
  bridge.on('clock', (time) => {
    clock.textContent = time;
  });
  bridge.on('closed', (why) => {
    if (closed) return;
    closed = true;
    document.body.classList.add('closed');
    input.blur();
    status.textContent =
      why === 'quit'
        ? 'Session ended: the app has quit.'
        : why === 'ended'
          ? 'Session ended. Reload the page for a new one.'
          : why === 'stopped'
            ? 'The demo host has stopped.'
            : 'Disconnected from the app.';
  });

  // --- input --------------------------------------------------------------------------
  /** Sends text to the app: a paste in pieces of at most CHUNK characters, cut at line ends where it can. */
  function send(text) {
    if (closed || text === '') return;
    let rest = text;
    while (rest.length > CHUNK) {
      let cut = rest.lastIndexOf('\n', CHUNK - 1) + 1;
      if (cut === 0) cut = CHUNK - (/[\uD800-\uDBFF]/.test(rest[CHUNK - 1]) ? 1 : 0); // never halve a surrogate pair
      bridge.send('key', rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    bridge.send('key', rest);
  }

  /** What the textarea took (typing, an emoji picker, an IME's result) goes to the app. */
  function takeInput() {
    const text = input.value;
    input.value = '';
    send(text);
  }

  input.addEventListener('keydown', (event) => {
    // While an IME composes, its keys are its own; Ctrl/Alt/Meta combinations are the
    // browser's (Ctrl+V pastes through the 'paste' event).
    if (closed || event.isComposing || event.keyCode === 229 || event.ctrlKey || event.metaKey || event.altKey) return;
    const key = KEYS[event.key];
    if (key === undefined) return; // text: it arrives through 'input'
    event.preventDefault();
    send(key);
  });
  input.addEventListener('input', (event) => {
    if (!event.isComposing) takeInput();
  });
  input.addEventListener('compositionend', takeInput);
  input.addEventListener('paste', (event) => {
    event.preventDefault();
    send((event.clipboardData?.getData('text/plain') ?? '').replace(/\r\n?/g, '\n'));
  });
  // Focus on the terminal (a click, or focus() from a test) goes to the textarea.
  terminal.addEventListener('focus', () => input.focus());
  terminal.addEventListener('mouseup', () => {
    if (window.getSelection()?.isCollapsed !== false) input.focus(); // leave a text selection alone
  });
  input.focus();

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
