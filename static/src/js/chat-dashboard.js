// The supervisor's web chat dashboard: the figures the page was rendered
// with, fetched again every 5 seconds. Without JavaScript the page still
// shows them as they were when it loaded.

const root = document.querySelector("[data-dashboard]");
const strings = JSON.parse(document.getElementById("dashboard-strings")?.textContent || "{}");

const format = (template, values) =>
  String(template).replace(/\{(\w+)\}/g, (match, key) =>
    key in values ? String(values[key]) : match,
  );
const duration = (seconds) =>
  seconds < 60
    ? format(strings.seconds, { seconds })
    : format(strings.minutes, { minutes: Math.floor(seconds / 60) });

if (root) {
  const updated = root.querySelector("[data-updated]");
  const agentRows = root.querySelector("[data-agents]");
  const show = (name, value) => {
    root.querySelector(`[data-stat="${name}"]`).textContent = String(value);
  };

  const render = ({ stats, agents }) => {
    show("waiting", stats.waiting);
    show("longest_wait", duration(stats.longest_wait_seconds));
    show("agents_available", stats.agents_available);
    show("in_progress", stats.in_progress);
    const rows = agents.map((agent) => {
      const row = document.createElement("tr");
      for (const text of [agent.name, agent.status_label, `${agent.chats} / ${agent.capacity}`]) {
        const cell = document.createElement("td");
        cell.textContent = text;
        row.append(cell);
      }
      return row;
    });
    if (!rows.length) {
      const row = document.createElement("tr");
      const cell = document.createElement("td");
      cell.colSpan = 3;
      cell.textContent = strings.no_agents;
      row.append(cell);
      rows.push(row);
    }
    agentRows.replaceChildren(...rows);
    const time = new Date().toLocaleTimeString("en-GB", { timeZone: "Europe/London" });
    updated.textContent = format(strings.updated, { time });
  };

  const refresh = async () => {
    try {
      const response = await fetch(root.dataset.statsUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) throw new Error(String(response.status));
      render(await response.json());
    } catch {
      updated.textContent = strings.stale;
    }
  };

  setInterval(refresh, 5000);
}
