// Benchmark (not a test): the browser tab's memory for a long run.
//
//   trunk build --release && (cd dist && python3 -m http.server 8090 --bind 127.0.0.1 &)
//   npm install --prefix /tmp/pw playwright-core
//   node scripts/bench-memory.js [http://127.0.0.1:8090/] [events]
//
// Opens a 5-voter + 1-observer run at `pos` events (1 000 000 by default; the link builds it a
// frame at a time with a progress bar), waits until it stands there, and prints the size of
// the WebAssembly module's linear memory (`wasm_memory_bytes`, exported by the app), the build
// time, and how many frames the build took. Headless Chromium, --disable-gpu, one tab.
let playwright;
try { playwright = require('playwright-core'); } catch { playwright = require('/tmp/pw/node_modules/playwright-core'); }

(async () => {
  const base = process.argv[2] || 'http://127.0.0.1:8090/';
  const events = +(process.argv[3] || 1000000);
  const browser = await playwright.chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', e => console.log('pageerror:', e.message));
  const t0 = Date.now();
  await page.goto(`${base}?seed=1&voters=5&observers=1&pos=${events}`);
  await page.waitForFunction(() => window.wasmBindings && window.wasmBindings.wasm_memory_bytes,
    null, { timeout: 60000 });
  // Frame intervals while it builds: the tab must keep drawing.
  const frames = await page.evaluate(() => new Promise(resolve => {
    const gaps = [];
    let last = null;
    const tick = ts => {
      if (last !== null) gaps.push(ts - last);
      last = ts;
      if (document.querySelector('.build-progress') || gaps.length < 2) requestAnimationFrame(tick);
      else resolve(gaps);
    };
    requestAnimationFrame(tick);
  }));
  const sawProgress = frames.length > 2;
  const sorted = [...frames].sort((a, b) => a - b);
  const pct = q => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] || 0;
  const seconds = (Date.now() - t0) / 1000;
  const bytes = await page.evaluate(() => window.wasmBindings.wasm_memory_bytes());
  const clock = (await page.innerText('.status-line')).trim().replace(/\s+/g, ' ');
  console.log(`pos=${events}: built in ${seconds.toFixed(1)} s (progress bar shown: ${sawProgress}),` +
    ` wasm memory ${(bytes / 1048576).toFixed(0)} MiB`);
  console.log(`frames while building: ${frames.length}, interval median ${pct(0.5).toFixed(1)} ms,` +
    ` p95 ${pct(0.95).toFixed(1)} ms, max ${pct(1).toFixed(1)} ms`);
  console.log(`status: ${clock}`);
  await browser.close();
})();
