// BCM console: local times beside each DTG, and a body's live timeline.
//
// The feed tells this page THAT something arrived (its cursor); the page then asks the
// console for the new items as server-rendered HTML, through the same access policy as every
// read, together with the banner of everything now on screen (the roll-up is computed by the
// marking core on the server, never here). A dropped connection is resumed from the page's
// cursor, and the fragment fetch after reconnecting picks up anything missed.

const lang = document.documentElement.lang || "en";

function showLocalTimes(root) {
  const format = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
  for (const time of root.querySelectorAll("time[data-local]")) {
    if (time.dataset.localDone) continue;
    const when = new Date(time.getAttribute("datetime"));
    if (Number.isNaN(when.getTime())) continue;
    const local = document.createElement("span");
    local.className = "local-time";
    local.textContent = ` (${document.body.dataset.localLabel || "local"}: ${format.format(when)})`;
    time.title = when.toISOString();
    time.after(local);
    time.dataset.localDone = "1";
  }
}

function setBanner(banner) {
  for (const bar of document.querySelectorAll("[data-banner]")) {
    bar.classList.remove(`banner-${bar.dataset.color}`);
    bar.classList.add(`banner-${banner.color}`);
    bar.dataset.color = banner.color;
    bar.querySelector("[data-banner-text]").textContent = banner.text;
    const national = bar.querySelector("[data-banner-national]");
    national.textContent = banner.national ? `(${banner.national})` : "";
    national.hidden = !banner.national;
  }
}

class Timeline {
  constructor(list, status) {
    this.list = list;
    this.status = status;
    this.cursor = Number(list.dataset.cursor || 0);
    this.fetching = false;
    this.again = false;
    this.socket = null;
    this.retry = 500;
  }

  shownLabels() {
    const labels = new Set();
    for (const item of this.list.querySelectorAll("li[data-label]")) labels.add(item.dataset.label);
    return [...labels];
  }

  setState(state) {
    this.status.dataset.state = state;
    this.status.textContent = this.status.dataset[`msg${state[0].toUpperCase()}${state.slice(1)}`];
    document.body.dataset.feed = state;
  }

  // Fetch the items after the cursor; one fetch at a time, repeated if more arrived meanwhile.
  async refresh() {
    if (this.fetching) {
      this.again = true;
      return;
    }
    this.fetching = true;
    try {
      do {
        this.again = false;
        await this.fetchOnce();
      } while (this.again);
    } finally {
      this.fetching = false;
    }
  }

  async fetchOnce() {
    const query = new URLSearchParams({ after: String(this.cursor) });
    for (const label of this.shownLabels()) query.append("shown", label);
    const answer = await fetch(`${this.list.dataset.fragment}?${query}`, {
      credentials: "same-origin",
      headers: { accept: "application/json" },
    });
    if (answer.redirected || answer.status === 401) {
      window.location.assign("/sign-in");
      return;
    }
    if (!answer.ok) throw new Error(`timeline fetch failed: ${answer.status}`);
    const update = await answer.json();
    if (update.count > 0) {
      const holder = document.createElement("template");
      holder.innerHTML = update.html;
      for (const item of holder.content.querySelectorAll("li")) item.classList.add("fresh");
      this.list.prepend(holder.content);
      showLocalTimes(this.list);
      document.getElementById("timeline-empty")?.setAttribute("hidden", "");
    }
    this.cursor = Math.max(this.cursor, update.cursor);
    this.list.dataset.cursor = String(this.cursor);
    setBanner(update.banner);
  }

  connect() {
    const url = new URL(this.list.dataset.feed, window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("since", String(this.cursor));
    url.searchParams.set("bodies", this.list.dataset.bodyId);
    let socket;
    try {
      socket = new WebSocket(url);
    } catch {
      this.setState("offline");
      return;
    }
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.retry = 500;
      this.setState("live");
      this.refresh().catch(() => {});
    });
    socket.addEventListener("message", (event) => this.onMessage(event));
    socket.addEventListener("close", (event) => this.onClose(event));
  }

  onMessage(event) {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (message.type === "item") {
      const body = message.item && message.item.body;
      if (!body || body === this.list.dataset.bodyId) this.refresh().catch(() => {});
      this.socket?.send(JSON.stringify({ type: "ack", cursor: message.cursor }));
    } else if (message.type === "resync") {
      this.socket?.close();
    } else if (message.type === "hello" || message.type === "live") {
      this.setState("live");
    }
  }

  // Close codes of docs/feed.md: 4001 access ended (sign in again), 4002 bad request (give
  // up); anything else (resync 4000, server restart, network) reconnects from the cursor.
  onClose(event) {
    if (event.code === 4001) {
      window.location.assign("/sign-in");
    } else if (event.code === 4002) {
      this.setState("offline");
    } else {
      this.reconnect();
    }
  }

  reconnect() {
    this.socket = null;
    this.setState("reconnecting");
    const wait = this.retry;
    this.retry = Math.min(this.retry * 2, 10000);
    window.setTimeout(() => this.connect(), wait);
  }
}

function start() {
  showLocalTimes(document);
  const list = document.getElementById("timeline");
  const status = document.getElementById("feed-state");
  if (list && status && list.dataset.feed) {
    const timeline = new Timeline(list, status);
    window.bcmTimeline = timeline; // for tests and the curious: cursor, state
    timeline.connect();
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
