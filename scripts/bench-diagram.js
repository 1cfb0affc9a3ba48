// Benchmark (not a test): the space-time diagram's frame time with 100 000+ messages loaded.
//
//   trunk build --release && (cd dist && python3 -m http.server 8090 --bind 127.0.0.1 &)
//   npm install --prefix /tmp/pw playwright-core
//   node scripts/bench-diagram.js [http://127.0.0.1:8090/] [events]
//
// Opens a 5-voter run at `pos` events (270 000 by default: about 103 000 messages), shows every
// message family (PINGs too), zooms out until the diagram thins to its cap, then for each
// interaction dispatches one input per animation frame and records (a) the synchronous work
// per frame (dispatch → Yew render → layout) and (b) the rAF-to-rAF frame interval.
// Headless Chromium, --disable-gpu, one tab. Playwright from /tmp/pw (or NODE_PATH).
let playwright;
try { playwright = require('playwright-core'); } catch { playwright = require('/tmp/pw/node_modules/playwright-core'); }

(async () => {
  const base = process.argv[2] || 'http://127.0.0.1:8090/';
  const events = +(process.argv[3] || 270000);
  const browser = await playwright.chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', e => console.log('pageerror:', e.message));
  const t0 = Date.now();
  await page.goto(`${base}?seed=1&voters=5&speed=10&pos=${events}`);
  await page.waitForSelector('.space-time__svg', { timeout: 600000 });
  const loadS = (Date.now() - t0) / 1000;
  const note = async () => (await page.textContent('.space-time__note')).trim();

  // Every family on, PINGs included.
  const ping = await page.$('.space-time__filter--ping');
  if ((await ping.getAttribute('aria-pressed')) === 'false') await ping.click();
  await page.$eval('.space-time', el => el.scrollIntoView());

  const measure = (kind, frames) => page.evaluate(async ({ kind, frames }) => {
    const frame = document.querySelector('.space-time__frame');
    const range = document.querySelector('.timeline__range');
    const max = +range.max;
    const work = [], gaps = [];
    let last = null;
    for (let i = 0; i < frames; i++) {
      const ts = await new Promise(r => requestAnimationFrame(r));
      if (last !== null) gaps.push(ts - last);
      last = ts;
      const a = performance.now();
      if (kind === 'pan') {
        frame.dispatchEvent(new WheelEvent('wheel', { deltaX: -40, deltaY: 0, bubbles: true, cancelable: true }));
      } else if (kind === 'zoom') {
        const dy = (Math.floor(i / 20) % 2 === 0) ? -60 : 60;
        frame.dispatchEvent(new WheelEvent('wheel', { deltaY: dy, bubbles: true, cancelable: true, clientX: 600 }));
      } else if (kind === 'drag') {
        // Drag the scrubber back and forth across a fifth of the run, a few pixels a frame.
        const phase = (i % 60) / 60, back = Math.floor(i / 60) % 2 === 1;
        const f = back ? 0.6 - 0.2 * phase : 0.4 + 0.2 * phase;
        range.value = String(Math.floor(max * f));
        range.dispatchEvent(new Event('input', { bubbles: true }));
      } else if (kind === 'jump') {
        // Click anywhere on the scrubber: a random position each frame.
        range.value = String(Math.floor(max * (0.2 + 0.6 * ((i * 37) % frames) / frames)));
        range.dispatchEvent(new Event('input', { bubbles: true }));
      } else if (kind === 'idle') {
        // nothing: the cost of a frame with the diagram on screen
      }
      document.querySelector('.space-time__svg').getBoundingClientRect();
      work.push(performance.now() - a);
    }
    const stats = xs => {
      const s = [...xs].sort((p, q) => p - q);
      const at = p => s[Math.min(s.length - 1, Math.round((s.length - 1) * p))];
      return { mean: s.reduce((p, q) => p + q, 0) / s.length, median: at(0.5), p95: at(0.95), max: at(1) };
    };
    return { work: stats(work), frame: stats(gaps) };
  }, { kind, frames });

  // Zoom out until the window holds more than the drawing cap.
  for (let i = 0; i < 14; i++) await page.click('.space-time__zoom-out');
  const zoomedOut = await note();
  const scale = (await page.textContent('.space-time__scale')).trim();
  const fmt = r => `work/frame mean ${r.work.mean.toFixed(2)} ms, median ${r.work.median.toFixed(2)}, p95 ${r.work.p95.toFixed(2)}, max ${r.work.max.toFixed(2)}; ` +
    `frame interval median ${r.frame.median.toFixed(1)} ms, p95 ${r.frame.p95.toFixed(1)}, max ${r.frame.max.toFixed(1)}`;
  console.log(`opened ?seed=1&voters=5&pos=${events} in ${loadS.toFixed(1)} s (build the run, index it)`);
  console.log(`diagram at ${scale}: ${zoomedOut}`);
  // Pan back to the middle of the run after zooming out.
  await page.click('.space-time__follow');
  for (const kind of ['idle', 'pan', 'zoom', 'drag', 'jump']) {
    const r = await measure(kind, 180);
    console.log(`${kind.padEnd(5)} (180 frames): ${fmt(r)}`);
  }
  await browser.close();
})();
