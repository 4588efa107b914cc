// One chat's messages shown in order, each once: chat.js (the public side)
// and agent-console.js (once per chat an agent holds) share these rules.
//
// Every message has a sequence number given by the server when it is stored.
// A number at or below the last one shown is a copy and is ignored. A
// message can overtake the one before it (the two ends of a chat may be on
// different servers, and a broadcast from each crosses Redis on its own), so
// one that comes early waits; if the missing one has not come after a
// moment, the page asks once for everything after the last number it showed,
// and again only if a gap is still there later. Asking at every early
// message cost thousands of replayed messages in a busy chat.

// How long a message that came early waits for the one before it.
export const GAP_WAIT_MS = 1500;

// `show(message)` is called once for each message, in order; `askAfter(seq)`
// asks the server for every message after `seq` (a "sync").
export const chatSequence = ({ after = 0, show, askAfter, waitMs = GAP_WAIT_MS }) => {
  let last = after;
  let known = after; // the highest number known to have been stored
  const early = new Map(); // seq -> a message that came before the one it follows
  const skipped = new Set(); // numbers this page never gets (agents' notes)
  let gapTimer = null;

  // Show whatever now follows on: numbers skipped, messages that came early.
  const catchUp = () => {
    for (;;) {
      while (skipped.has(last + 1)) {
        skipped.delete(last + 1);
        last += 1;
      }
      for (const seq of early.keys()) if (seq <= last) early.delete(seq);
      const next = early.get(last + 1);
      if (!next) break;
      early.delete(next.seq);
      last = next.seq;
      show(next);
    }
    if (known <= last && gapTimer !== null) {
      clearTimeout(gapTimer);
      gapTimer = null;
    }
  };

  const watchGap = () => {
    if (gapTimer !== null) return;
    gapTimer = setTimeout(() => {
      gapTimer = null;
      if (known <= last) return;
      askAfter(last);
      watchGap();
    }, waitMs);
  };

  return {
    get last() {
      return last;
    },
    receive(message) {
      if (message.seq <= last) return; // shown already
      if (message.seq > last + 1) {
        early.set(message.seq, message);
        known = Math.max(known, message.seq);
        watchGap();
        return;
      }
      last = message.seq;
      show(message);
      catchUp();
    },
    // Numbers taken by messages this page is never sent.
    skip(seqs) {
      for (const seq of seqs) if (seq > last) skipped.add(seq);
      catchUp();
    },
    // The server has stored up to `seq`: whatever has not come by the time
    // an early message would have waited is asked for.
    expect(seq) {
      if (seq <= last) return;
      known = Math.max(known, seq);
      watchGap();
    },
    stop() {
      clearTimeout(gapTimer);
      gapTimer = null;
      early.clear();
    },
  };
};
