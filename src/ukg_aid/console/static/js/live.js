// The live event stream. EventSource cannot send an Authorization header, so the stream is read
// with fetch() and a stream reader (the token never goes into a URL). On any break the state
// turns "lost" (the console shows 接続が切れました) and the stream resumes from the last event id.

import { authHeaders } from "./api.js";

const WATCHDOG_MS = 45_000; // the server sends a keep-alive every 15 s; three missed = dead
const MAX_BACKOFF_MS = 15_000;

export class Live {
  constructor({ onEvent, onState, onClosed }) {
    this.onEvent = onEvent;
    this.onState = onState;
    this.onClosed = onClosed;
    this.lastId = null;
    this.running = false;
    this.controller = null;
    this.state = "connecting";
  }

  start() {
    this.running = true;
    this.loop();
  }

  stop() {
    this.running = false;
    this.controller?.abort();
  }

  setState(state) {
    if (state === this.state) return;
    const was = this.state;
    this.state = state;
    this.onState(state, was);
  }

  async loop() {
    let backoff = 1000;
    while (this.running) {
      try {
        await this.readOnce();
        backoff = 1000;
      } catch (err) {
        if (!this.running) return;
        if (err?.closed) {
          this.running = false;
          this.onClosed();
          return;
        }
      }
      if (!this.running) return;
      this.setState("lost");
      await new Promise((resolve) => setTimeout(resolve, backoff));
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }

  async readOnce() {
    this.controller = new AbortController();
    const headers = { Accept: "text/event-stream", ...authHeaders() };
    if (this.lastId !== null) headers["Last-Event-ID"] = String(this.lastId);
    const resp = await fetch("/api/v1/events", {
      headers,
      signal: this.controller.signal,
      cache: "no-store",
    });
    if (resp.status === 401) throw Object.assign(new Error("unauthorized"), { closed: true });
    if (!resp.ok || !resp.body) throw new Error(`stream answered ${resp.status}`);
    const reader = resp.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    let watchdog = this.arm();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        clearTimeout(watchdog);
        watchdog = this.arm();
        buffer += value.replace(/\r\n?/g, "\n");
        let cut = buffer.indexOf("\n\n");
        while (cut >= 0) {
          this.handle(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
          cut = buffer.indexOf("\n\n");
        }
      }
    } finally {
      clearTimeout(watchdog);
    }
  }

  arm() {
    return setTimeout(() => this.controller?.abort(), WATCHDOG_MS);
  }

  handle(block) {
    const fields = { data: [] };
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) {
        // The stream opens with ": streaming events after N": resume from N even if no
        // event arrives before the next break.
        const opened = /streaming events after (\d+)/.exec(line);
        if (opened && this.lastId === null) this.lastId = Number(opened[1]);
        if (opened) this.setState("open");
        continue;
      }
      const at = line.indexOf(":");
      if (at < 0) continue;
      const name = line.slice(0, at);
      const value = line.slice(at + 1).replace(/^ /, "");
      if (name === "data") fields.data.push(value);
      else fields[name] = value;
    }
    if (fields.event === "closed") throw Object.assign(new Error("closed"), { closed: true });
    if (!fields.data.length || fields.id === undefined) return;
    this.lastId = Number(fields.id);
    let data = {};
    try {
      data = JSON.parse(fields.data.join("\n"));
    } catch {
      data = {};
    }
    this.onEvent({ id: this.lastId, action: fields.event, ...data });
  }
}
