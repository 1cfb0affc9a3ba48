// The README's pictures (not a test): each moment at 1280×800 and at 390×844, from the release
// build, into docs/screenshots/.
//
//   make bundle && scripts/serve-dir.sh dist 8095 &   # or any static server on dist/
//   node scripts/screenshots.js http://127.0.0.1:8095/ [OUT_DIR]
//
// Every moment is a link (seed, shape or scenario, faults, position), so each picture is
// reproducible: open the same link and you see the same thing.
let playwright;
try { playwright = require('playwright-core'); } catch { playwright = require('/tmp/pw/node_modules/playwright-core'); }
const path = require('path');

const MOMENTS = [
  // Fast Leader Election: every server LOOKING, notifications crossing.
  { name: 'startup-burst', query: 'seed=1&voters=5&pos=100' },
  // Leader.lead blocked in waitForEpochAck, the gauge counting ACKEPOCHs.
  { name: 'epoch-wait', query: 'seed=1&voters=5&pos=236' },
  // The quorum arrived: connectingFollowers.notifyAll() woke Leader.lead.
  { name: 'notifyall', query: 'seed=1&voters=5&pos=240' },
  // Broadcast: the leader pings its followers; one server selected.
  { name: 'synced', query: 'seed=1&voters=5&pos=2000', click: '.peer-card[data-sid="2"]' },
  // The leader (3) crashed; 1 and 2 elect again.
  { name: 'leader-crash', query: 'seed=3&scenario=leader-crash&pos=125' },
  // The leader (5) cut off from servers 1–3: they elect a new leader without it.
  { name: 'partition', query: 'seed=1&scenario=leader-cut-from-majority&pos=300' },
  // The space-time diagram of the election and discovery.
  { name: 'diagram', query: 'seed=1&voters=5&pos=400', element: '.app__travel' },
  // The compact frame for documentation pages.
  { name: 'embed', query: 'seed=3&scenario=leader-crash&embed=1&pos=900', sizes: [[800, 440]] },
  // The narration, and "Why?" open: in this fresh start server 2 registers after the leader's
  // zk.startup() has ended, so lastProcessedZxid is already 1:0 and it gets SNAP (server 1,
  // earlier, got an empty DIFF).
  { name: 'narration-why', query: 'seed=2&scenario=fresh-start&pos=74', click: '.btn--why:not(.btn--why-none)' },
  // The tour at chapter 7: getEpochToPropose as our own pseudo-code, its running line marked.
  { name: 'tour', query: 'tour=7', ready: '.tour .tour__line' },
  // The statistics panel, derived from the log up to the position.
  { name: 'stats', query: 'seed=1&voters=5&pos=2000', click: '.stats__summary', scroll: '.stats' },
  // The timeline's moments (elected, quorum reached, sync chosen, established), as buttons.
  { name: 'timeline-stops', query: 'seed=1&scenario=leader-crash&pos=400', scroll: '.timeline__stops' },
  // A live safety check broken: ZooKeeper 3.8 counts a NEWLEADER ACK sent before the sync
  // txns were on disk (ZOOKEEPER-4646); play stopped at the event, the servers outlined.
  { name: 'violation', query: 'seed=641&voters=3&zk=3.8&f=21:c1,24:w3,92:r1,179:w1,273:c2,291:w1,327:w2,387:w3,539:w1,540:c1,579:r2&pos=615' },
  // The leader's process paused (SIGSTOP): its card dashed, its peers' read timeouts running.
  { name: 'paused', query: 'seed=1&scenario=leader-paused&t=9000', click: '.peer-card[data-sid="3"]' },
  // A real bug's replay (ZOOKEEPER-4925 under 3.9.3), stopped at its check: the run bar names
  // the JIRA and offers the fixed release.
  { name: 'bug-4925', query: 'seed=1&voters=5&zk=3.9.3&f=265:w5,285:c1,305:w5,325:c4,345:w5,365:r4,411:c5,494:r1,594:w4&pos=608' },
  // Session clients after the leader crashed: client 1 reconnected, client 2 lost for good.
  { name: 'clients', query: 'seed=1&scenario=client-failover&t=4500', scroll: '.clients' },
];
const SIZES = [[1280, 800, 'desktop'], [390, 844, 'phone']];

(async () => {
  const base = process.argv[2] || 'http://127.0.0.1:8095/';
  const out = process.argv[3] || path.join(__dirname, '..', 'docs', 'screenshots');
  const browser = await playwright.chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  for (const m of MOMENTS) {
    const sizes = m.sizes ? m.sizes.map(([w, h]) => [w, h, `${w}x${h}`]) : SIZES;
    for (const [width, height, label] of sizes) {
      const phone = width < 600;
      const page = await browser.newPage({ viewport: { width, height }, hasTouch: phone, isMobile: phone });
      page.on('pageerror', e => { console.error(`${m.name}: ${e.message}`); process.exitCode = 1; });
      await page.goto(`${base}?${m.query}`);
      await page.waitForSelector(m.ready || 'svg.cluster', { timeout: 120000 });
      // Centre it first: on a phone the timeline's bar is sticky at the bottom edge.
      if (m.click) {
        await page.$eval(m.click, (el) => el.scrollIntoView({ block: 'center' }));
        await page.click(m.click);
      }
      if (m.scroll) await page.$eval(m.scroll, el => el.scrollIntoView({ block: 'center' }));
      const settle = () => page.evaluate(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))));
      await settle();
      const file = path.join(out, m.sizes ? `${m.name}.png` : `${m.name}-${label}.png`);
      if (m.element) {
        await page.$eval(m.element, el => el.scrollIntoView());
        await settle();
        await (await page.$(m.element)).screenshot({ path: file });
      } else {
        await page.screenshot({ path: file });
      }
      console.log(file);
      await page.close();
    }
  }
  await browser.close();
})();
