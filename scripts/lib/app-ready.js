// Shared by the browser checks (check-layout.js, check-a11y.js): wait until the app (or its
// embed frame) stands paused at a position with its drawing laid out in its box, and fail with
// the app's own words if it shows an error page instead.

async function waitForPosition(page, { embed, pos }) {
  await page.waitForFunction(({ embed, pos }) => {
    if (document.querySelector('.build-progress, .panic-banner, .app--error, .embed--error')) {
      return !!document.querySelector('.panic-banner, .app--error, .embed--error');
    }
    const svg = document.querySelector(embed ? '.embed__stage svg.cluster' : '.app__drawing svg.cluster');
    if (!svg) return false;
    const box = svg.parentElement;
    if (Math.abs(svg.width.baseVal.value - Math.floor(box.clientWidth)) > 1) return false;
    if (embed) {
      const play = document.querySelector('.embed__play');
      const clock = document.querySelector('.embed__clock');
      return !!play && play.getAttribute('aria-pressed') === 'false' && !!clock && clock.textContent.includes(`step ${pos}`);
    }
    const position = document.querySelector('.timeline__position');
    return !!document.querySelector('.status-line__mode--paused') && !!position && position.textContent.trim() === String(pos);
  }, { embed, pos }, { polling: 'raf', timeout: 60000 });
  const broken = await page.evaluate(() => {
    const e = document.querySelector('.panic-banner, .app--error, .embed--error');
    return e ? e.textContent.trim().slice(0, 300) : null;
  });
  if (broken) throw new Error(`the app shows an error: ${broken}`);
}

module.exports = { waitForPosition };
