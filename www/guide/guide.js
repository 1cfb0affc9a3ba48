// The guide's live frames (www/guide/index.html). A file of its own: the page's
// Content-Security-Policy allows no inline script.
//
// Each <div class="guide-frame__mount" data-scenario data-seed data-pos> becomes a compact
// ZabScope frame standing, paused, at that event of that run. They share the group "guide", so
// Play in one pauses the others, and a frame scrolled off screen stops by itself: a reader's
// page costs what one playing frame costs, and nothing while all stand still.
import init, { mount } from '../zabscope.js';

await init();
for (const el of document.querySelectorAll('.guide-frame__mount')) {
  const { scenario, seed, pos, speed } = el.dataset;
  try {
    mount(el, {
      scenario,
      seed: Number(seed),
      pos: Number(pos),
      speed: speed === undefined ? 0.25 : Number(speed),
      group: 'guide',
      // "Open in ZabScope" opens the app beside this page's directory.
      appUrl: '../',
    });
  } catch (e) {
    // A wrong option throws an Error naming it: show it where the frame would be.
    el.textContent = e.message;
    el.classList.add('guide-frame__mount--error');
  }
}
document.body.dataset.framesMounted = 'true';
