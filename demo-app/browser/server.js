#!/usr/bin/env node
// The demo's browser host: the same app logic (app/session.js) and the same page
// (renderer/) as the Electron app, with Node serving the page over HTTP and carrying the
// bridge's send/on/invoke over a WebSocket, on 127.0.0.1 only.
//
//   npm run demo -- --port N           (or: node demo-app/browser/server.js [--port N])
//
// The port: --port N or a bare number (`npm run demo --port N` reaches here as one: npm
// 11 takes --port for its own and passes the number on; older npm passes it as
// npm_config_port, also read), else $PORT, else 8787; a busy one is replaced by a free one.
// Each page connection is one terminal session in its own greenlets. `quit` (answered
// with y) ends that session only; the host serves other pages and new ones until it is
// stopped (Ctrl-C, SIGTERM), and then tells every open page that it stopped.
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const { WebSocketServer } = require('ws');
const { Channel, spawn } = require('tendril');
const { runSession, info } = require('../app/session');

const RENDERER = path.join(__dirname, '..', 'renderer');
const PAGES = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/renderer.js': ['renderer.js', 'text/javascript; charset=utf-8'],
  '/screen.js': ['screen.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
};
// The bridge's channels, as the Electron preload allows them.
const CHANNELS = { send: ['key', 'ready'], invoke: ['info'] };
const HANDLERS = { info: () => info('browser') };
/** The longest 'key' message: a piece of a paste (the page sends 4096 characters at most). */
const MAX_KEY = 16 * 1024;

/** The port asked for, or undefined. */
function portOption() {
  const args = process.argv.slice(2);
  const at = args.indexOf('--port');
  if (at >= 0) return args[at + 1];
  const bare = args.find((arg) => /^\d+$/.test(arg));
  if (bare !== undefined) return bare;
  const fromNpm = process.env.npm_config_port;
  if (fromNpm !== undefined && /^\d+$/.test(fromNpm)) return fromNpm;
  return process.env.PORT;
}

const requestedPort = Number(portOption() ?? '8787');
const sessions = new Set();
let port = 0;
let stopping = false;

const server = http.createServer((req, res) => {
  const { pathname } = new URL(req.url, 'http://127.0.0.1');
  if (pathname === '/favicon.ico') {
    res.writeHead(204).end();
    return;
  }
  const page = PAGES[pathname];
  if (req.method !== 'GET' || page === undefined) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  fs.readFile(path.join(RENDERER, page[0]), (error, body) => {
    if (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': page[1], 'cache-control': 'no-store' }).end(body);
  });
});

const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
server.on('upgrade', (req, socket, head) => {
  // Only this server's own page may connect: a page of any other origin (another site
  // open in the same browser) must not drive the terminal.
  const allowed = [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  const ok = req.url === '/ws' && allowed.includes(req.headers.origin) && allowed.includes(`http://${req.headers.host}`);
  if (!ok) {
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => startSession(ws));
});

function startSession(ws) {
  const keys = new Channel();
  const ready = new Channel();
  const host = {
    name: 'browser',
    keys,
    send(channel, ...args) {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'event', channel, args }));
    },
    quit() {
      host.send('closed', 'ended'); // this session; the host goes on serving
    },
  };
  ws.on('message', (data) => {
    let message;
    try {
      message = JSON.parse(String(data));
    } catch {
      return;
    }
    if (message.type === 'send' && CHANNELS.send.includes(message.channel)) {
      const value = message.args?.[0];
      if (message.channel === 'key' && typeof value === 'string' && value.length <= MAX_KEY && !keys.closed) keys.send(value);
      if (message.channel === 'ready' && !ready.closed) ready.send(true);
    } else if (message.type === 'invoke' && CHANNELS.invoke.includes(message.channel)) {
      // Like handle() in Electron: each request runs in a greenlet of its own.
      spawn(HANDLERS[message.channel], ...(message.args ?? [])).promise.then(
        (value) => ws.send(JSON.stringify({ type: 'result', id: message.id, ok: true, value })),
        (error) => ws.send(JSON.stringify({ type: 'result', id: message.id, ok: false, error: String(error?.message ?? error) })),
      );
    }
  });
  const session = spawn(() => {
    ready.receive(); // the page's listeners are in place
    ready.close();
    return runSession(host);
  });
  sessions.add(session);
  ws.on('close', () => {
    keys.close(); // readNextChar() sees the window go away
    ready.close();
  });
  session.promise.then(
    (outcome) => {
      sessions.delete(session);
      if (outcome === 'quit') console.log('tendril demo: a session quit; still serving (Ctrl-C stops the host).');
      ws.close(1000, 'session ended');
    },
    (error) => {
      sessions.delete(session);
      console.error('tendril demo: a session failed:', error);
      ws.close(1011, 'session failed');
    },
  );
}

/** Stops the host: every open page is told, every session killed, the server closed. */
function stop(code) {
  if (stopping) return;
  stopping = true;
  console.log('tendril demo: the host stopped.');
  for (const client of wss.clients) {
    if (client.readyState === client.OPEN) client.send(JSON.stringify({ type: 'event', channel: 'closed', args: ['stopped'] }));
    client.close(1001, 'the host stopped');
  }
  for (const session of sessions) session.kill();
  server.close();
  process.exitCode = code;
  // Everything is closed: the process ends by itself. Sockets slow to close get 2 s.
  setTimeout(() => process.exit(code), 2000).unref();
}

function listen(at) {
  const onError = (error) => {
    server.off('listening', onListening);
    if (error.code === 'EADDRINUSE' && at !== 0) {
      console.log(`tendril demo: port ${at} is busy, taking a free one`);
      listen(0);
      return;
    }
    throw error;
  };
  const onListening = () => {
    server.off('error', onError);
    port = server.address().port;
    console.log(`tendril demo (browser host): open http://127.0.0.1:${port}/ (Ctrl-C stops it)`);
  };
  server.once('error', onError);
  server.once('listening', onListening);
  server.listen(at, '127.0.0.1');
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
if (Number.isInteger(requestedPort) && requestedPort >= 0 && requestedPort < 65536) {
  listen(requestedPort);
} else {
  console.log(`tendril demo: ${JSON.stringify(portOption())} is not a port number; taking 8787`);
  listen(8787);
}
