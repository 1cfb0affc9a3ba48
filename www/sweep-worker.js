// The seed sweep's worker (issue 13): runs `sim::hunt` over a range of seeds off the main
// thread, so the page keeps drawing while it searches.
//
// It loads the app's own module (the page passes the glue's URL and the compiled
// WebAssembly.Module, so nothing is fetched or compiled twice); the app's start function sees
// no `window` and does nothing here. Then, seed by seed, it calls `huntSeed(target, seed)`,
// which returns null when every check held, or what broke.
//
// Messages in:  { glue, module, target, from, to, playing } (seeds from..to, `to` excluded)
//               { kind: "pace", playing }              (the page's run started or stopped)
// Messages out: { kind: "progress", done, seed }         (about ten a second)
//               { kind: "found", seed, runSeed, step, check, done }
//               { kind: "done", done }                   (no seed in the range broke)
//               { kind: "error", message }
// Cancelling is the page's `worker.terminate()`: nothing here needs to clean up.

// While the page's run plays on a machine with few cores, the worker rests as long as it
// works (slices of SLICE_MS), so the page keeps its frames: on 2 cores the worker otherwise
// takes one and the playing run, the compositor and the GPU process share the other
// (BENCHMARKS.md). When the run is paused it works on, yielding every 100 ms only to hear a
// pace message.
const SLICE_MS = 8;
const FEW_CORES = (self.navigator && self.navigator.hardwareConcurrency || 1) <= 4;
let playing = false;

self.onmessage = async (event) => {
  const data = event.data;
  if (data.kind === "pace") {
    playing = !!data.playing;
    return;
  }
  const { glue, module, target, from, to } = data;
  playing = !!data.playing;
  try {
    const app = await import(glue);
    await app.default({ module_or_path: module });
    let last = performance.now();
    let slice = last;
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
      const share = playing && FEW_CORES;
      if (now - slice >= (share ? SLICE_MS : 100)) {
        await new Promise((rest) => setTimeout(rest, share ? SLICE_MS : 0));
        slice = performance.now();
      }
    }
    self.postMessage({ kind: "done", done: to - from });
  } catch (e) {
    self.postMessage({ kind: "error", message: String(e && e.message ? e.message : e) });
  }
};
