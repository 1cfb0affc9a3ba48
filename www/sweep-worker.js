// The seed sweep's worker (issue 13): runs `sim::hunt` over a range of seeds off the main
// thread, so the page keeps drawing while it searches.
//
// It loads the app's own module (the page passes the glue's URL and the compiled
// WebAssembly.Module, so nothing is fetched or compiled twice); the app's start function sees
// no `window` and does nothing here. Then, seed by seed, it calls `huntSeed(target, seed)`,
// which returns null when every check held, or what broke.
//
// Messages in:  { glue, module, target, from, to }      (seeds from..to, `to` excluded)
// Messages out: { kind: "progress", done, seed }         (about ten a second)
//               { kind: "found", seed, runSeed, step, check, done }
//               { kind: "done", done }                   (no seed in the range broke)
//               { kind: "error", message }
// Cancelling is the page's `worker.terminate()`: nothing here needs to clean up.

self.onmessage = async (event) => {
  const { glue, module, target, from, to } = event.data;
  try {
    const app = await import(glue);
    await app.default({ module_or_path: module });
    let last = performance.now();
    for (let seed = from; seed < to; seed++) {
      const hit = app.huntSeed(target, seed);
      const done = seed - from + 1;
      if (hit) {
        self.postMessage({ kind: "found", seed, done, step: hit.step, check: hit.check, runSeed: hit.runSeed });
        return;
      }
      const now = performance.now();
      if (now - last >= 100 || seed + 1 === to) {
        last = now;
        self.postMessage({ kind: "progress", done, seed });
      }
    }
    self.postMessage({ kind: "done", done: to - from });
  } catch (e) {
    self.postMessage({ kind: "error", message: String(e && e.message ? e.message : e) });
  }
};
