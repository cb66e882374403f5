// The main world's half of contextBridge (see bridge.js): defines what the preload exposes
// with contextBridge.exposeInMainWorld(key, api) as window[key]. Runs before the page's
// scripts, as does the preload.
(function () {
  const bridge = electronHostBridge('main');
  bridge.handlers.expose = ({ key, value }) => {
    Object.defineProperty(window, key, { value: bridge.deserialize(value), enumerable: true });
  };
  // The isolated world may have run first: it sends what it exposed once it hears this.
  bridge.handlers.hello = () => bridge.send({ op: 'ready' });
  bridge.send({ op: 'ready' });
})();
