// www/embed-example.html's script (a file of its own: the page's Content-Security-Policy allows
// no inline script).
// zabscope.js and zabscope_bg.wasm sit beside this page in trunk's dist/ (Trunk.toml sets
// filehash = false so their names are stable). init() finds the wasm next to the module.
import init, { mount } from './zabscope.js';

await init();
const frames = [
  ['fresh-start', { scenario: 'fresh-start', seed: 7, speed: 0.1, autoplay: true }],
  ['leader-crash', { scenario: 'leader-crash', seed: 3, speed: 1, autoplay: true }],
];
for (const [id, options] of frames) {
  const el = document.getElementById(id);
  try {
    mount(el, options);
  } catch (e) {
    // A wrong option throws an Error naming it; show it where the frame would be.
    el.textContent = e.message;
    el.className = 'mount mount-error';
  }
}
