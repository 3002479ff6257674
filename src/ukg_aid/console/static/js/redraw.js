// A screen's redraw (load, then draw) that never runs beside itself.
//
// A live update and the desk's own action can both ask a screen to redraw while an earlier
// redraw still waits for the server. Run side by side, the answers can land out of order: the
// older list draws last, over the newer one (a lifted weather hold came back that way). So a
// call made while a redraw runs does not start another: when the running one ends, one more
// starts, with the newest call's arguments, and every call made meanwhile settles with it. The
// last thing drawn is always what the server said after the last call, and a burst of updates
// costs two redraws, not one each.

export function oneAtATime(redraw) {
  let running = false;
  let queued = null; // { args, promise, settle } of the run that starts when this one ends

  async function run(args) {
    running = true;
    try {
      return await redraw(...args);
    } finally {
      running = false;
      const next = queued;
      queued = null;
      if (next) next.settle(run(next.args));
    }
  }

  return (...args) => {
    if (!running) return run(args);
    if (queued) {
      queued.args = args;
    } else {
      let settle;
      const promise = new Promise((resolve) => {
        settle = resolve;
      });
      queued = { args, promise, settle };
    }
    return queued.promise;
  };
}
