/// The console's one stylesheet and one script, served from memory (no build chain, no files
/// to deploy beside the binary).
enum Assets {
    static let css = """
    :root { --ink: #1d2330; --muted: #5b6475; --line: #d8dde6; --accent: #2756c5; --danger: #b3261e; --bg: #f6f7f9; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
    header { display: flex; align-items: center; justify-content: space-between; padding: .75rem 1.5rem; background: #fff; border-bottom: 1px solid var(--line); }
    .brand { font-weight: 700; letter-spacing: .02em; }
    nav { display: flex; gap: 1rem; align-items: center; }
    nav .who { color: var(--muted); }
    main { max-width: 56rem; margin: 1.5rem auto; padding: 0 1.5rem; }
    h1 { font-size: 1.5rem; margin: 0 0 1rem; }
    h2 { font-size: 1.15rem; margin: 1.75rem 0 .75rem; }
    h3 { font-size: 1rem; margin: 0 0 .25rem; }
    h4 { margin: 1rem 0 .25rem; }
    a { color: var(--accent); }
    form.inline { display: inline; }
    form.login { display: grid; gap: .75rem; max-width: 22rem; }
    label { display: grid; gap: .25rem; }
    input { font: inherit; padding: .45rem .6rem; border: 1px solid var(--line); border-radius: 6px; }
    button { font: inherit; padding: .35rem .8rem; border: 1px solid var(--accent); border-radius: 6px; background: #fff; color: var(--accent); cursor: pointer; }
    button[type=submit]#login, button#issue { background: var(--accent); color: #fff; }
    button.danger { border-color: var(--danger); color: var(--danger); }
    .facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
    .facts dt { color: var(--muted); }
    .facts dd { margin: 0; font-weight: 600; }
    .key { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; margin-bottom: 1rem; }
    .meta { color: var(--muted); margin: 0 0 .75rem; }
    .state { font-size: .8rem; padding: .05rem .45rem; border-radius: 999px; background: #e3f3e6; color: #1e6b34; font-weight: 600; }
    .secret { display: flex; gap: .5rem; align-items: center; margin: .4rem 0; flex-wrap: wrap; }
    .secret .name { min-width: 11rem; color: var(--muted); }
    code.value { background: var(--bg); border: 1px solid var(--line); border-radius: 4px; padding: .15rem .4rem; word-break: break-all; }
    .actions { margin-top: .75rem; display: flex; gap: .5rem; }
    pre.snippet { background: #111827; color: #e5e7eb; padding: .75rem 1rem; border-radius: 6px; white-space: pre-wrap; word-break: break-all; }
    .error { color: var(--danger); }
    .warning { background: #fff6e0; border: 1px solid #f0d48a; padding: .5rem .75rem; border-radius: 6px; }
    .notice { background: #e8f0fe; border: 1px solid #b9cdf7; padding: .5rem .75rem; border-radius: 6px; }
    ul.revoked { color: var(--muted); }
    table.calls { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
    table.calls th, table.calls td { text-align: left; padding: .45rem .75rem; border-bottom: 1px solid var(--line); }
    table.calls th { color: var(--muted); font-weight: 600; }
    .call-columns { display: grid; grid-template-columns: 3fr 2fr; gap: 1.5rem; }
    ol.transcript { list-style: none; padding: 0; margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 8px; min-height: 4rem; }
    ol.transcript li { padding: .4rem .75rem; border-bottom: 1px solid var(--line); }
    .time { color: var(--muted); font-variant-numeric: tabular-nums; }
    .speaker { font-weight: 600; text-transform: capitalize; }
    .turn { color: var(--muted); font-size: .85rem; }
    form.search { display: flex; gap: .5rem; align-items: end; margin-bottom: 1rem; }
    svg.quarters { background: #fff; border: 1px solid var(--line); border-radius: 8px; }
    svg.quarters .axis { stroke: var(--muted); stroke-width: 1; }
    svg.quarters .bar.customer, .swatch.customer { fill: #2756c5; color: #2756c5; }
    svg.quarters .bar.agent, .swatch.agent { fill: #1e9e6a; color: #1e9e6a; }
    svg.quarters text { font-size: 11px; fill: var(--muted); }

    """

    static let javascript = """
    "use strict";
    (function () {
      const csrf = document.querySelector('meta[name="csrf-token"]');
      const org = document.body.dataset.org;
      const revealed = new Map();
      const status = (text) => { const el = document.getElementById("status"); if (el) el.textContent = text; };

      async function secrets(id) {
        if (revealed.has(id)) return revealed.get(id);
        const response = await fetch("/console/orgs/" + encodeURIComponent(org) + "/keys/" + encodeURIComponent(id) + "/reveal", {
          method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf ? csrf.content : "" },
        });
        const body = await response.json().catch(() => ({}));
        if (!response.ok) throw new Error(body.error || "the server answered " + response.status);
        revealed.set(id, body);
        return body;
      }

      function show(id, values) {
        document.querySelectorAll("[data-secret-of]").forEach((el) => {
          if (el.dataset.secretOf !== id) return;
          el.textContent = values ? (values[el.dataset.kind] || el.dataset.masked) : el.dataset.masked;
        });
        document.querySelectorAll("button[data-reveal]").forEach((button) => {
          if (button.dataset.reveal !== id) return;
          button.textContent = values ? "Hide" : "Reveal";
          button.setAttribute("aria-pressed", values ? "true" : "false");
        });
      }

      async function copy(text) {
        // The clipboard API needs a secure context and the page's permission; otherwise, or if it
        // refuses, the older selection copy.
        if (navigator.clipboard && window.isSecureContext) {
          try { await navigator.clipboard.writeText(text); return; } catch (error) { /* fall back below */ }
        }
        const area = document.createElement("textarea");
        area.value = text;
        document.body.appendChild(area);
        area.select();
        document.execCommand("copy");
        area.remove();
      }

      document.addEventListener("click", async (event) => {
        const reveal = event.target.closest("button[data-reveal]");
        const copier = event.target.closest("button[data-copy]");
        try {
          if (reveal) {
            const id = reveal.dataset.reveal;
            show(id, reveal.getAttribute("aria-pressed") === "true" ? null : await secrets(id));
          } else if (copier) {
            const id = copier.dataset.copyOf;
            show(id, await secrets(id));
            await copy(document.getElementById(copier.dataset.copy).textContent);
            status("Copied.");
          }
        } catch (error) {
          status("Could not get the key: " + error.message);
        }
      });

      // Live calls: durations tick, the list reloads, a call page follows its event stream.
      setInterval(() => {
        document.querySelectorAll(".duration[data-started-at]").forEach((el) => {
          if (el.dataset.stopped) return;
          const total = Math.max(0, Math.floor(Date.now() / 1000 - Number(el.dataset.startedAt)));
          const h = Math.floor(total / 3600), m = Math.floor(total / 60) % 60, s = total % 60;
          const two = (n) => String(n).padStart(2, "0");
          el.textContent = h > 0 ? h + ":" + two(m) + ":" + two(s) : m + ":" + two(s);
        });
      }, 1000);
      const refresh = document.getElementById("auto-refresh");
      if (refresh) setTimeout(() => window.location.reload(), Number(refresh.dataset.seconds) * 1000);

      const transcript = document.getElementById("transcript");
      if (transcript && transcript.dataset.events && window.EventSource) {
        const source = new EventSource(transcript.dataset.events);
        const data = (event) => JSON.parse(event.data);
        const text = (tag, className, value) => { const el = document.createElement(tag); el.className = className; el.textContent = value; return el; };
        source.addEventListener("reset", () => { transcript.textContent = ""; });
        source.addEventListener("line", (event) => {
          const line = data(event);
          const li = document.createElement("li");
          li.className = "line";
          li.append(text("span", "time", line.start), " ", text("span", "speaker", line.speaker), " ", text("span", "text", line.text));
          transcript.appendChild(li);
        });
        source.addEventListener("analysis", (event) => {
          const list = document.getElementById("analysis");
          list.textContent = "";
          data(event).fields.forEach((field) => { list.append(text("dt", "", field.name), text("dd", "", field.value)); });
          const none = document.getElementById("no-analysis");
          if (none) none.remove();
        });
        source.addEventListener("identified", (event) => {
          const call = data(event);
          document.getElementById("session-id").textContent = call.sessionId;
          document.getElementById("call-language").textContent = call.language;
        });
        source.addEventListener("ended", () => {
          source.close();
          document.getElementById("call-state").textContent = "ended";
          document.querySelectorAll(".duration").forEach((el) => { el.dataset.stopped = "1"; });
        });
      }

      document.addEventListener("submit", (event) => {
        const message = event.target.dataset.confirm;
        if (message && !window.confirm(message)) event.preventDefault();
      });
    })();

    """
}
