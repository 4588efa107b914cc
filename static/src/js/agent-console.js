// The control-room agent's side of web chat, inside Django admin.
//
// It works like chat.js, once per chat held: every message, internal notes
// included, carries its chat's sequence number, given by the server when it
// was stored, and chat-sequence.js shows each number once, in order, waiting
// a moment for a message that was overtaken before asking for what is
// missing. What the agent sends waits in an outbox, shown as "Sending…",
// until the server has stored it; after a reconnect it is sent again with
// the same client id, and the server stores it once.
// The socket protocol is described in webchat/agent_consumer.py.

import { chatSequence } from "./chat-sequence.js";

const root = document.querySelector("[data-console]");
const readJson = (id) => JSON.parse(document.getElementById(id)?.textContent || "{}");
const strings = readJson("console-strings");
const config = readJson("console-config");

const format = (template, values) =>
  String(template).replace(/\{(\w+)\}/g, (match, key) =>
    key in values ? String(values[key]) : match,
  );
const newClientId = () =>
  crypto.randomUUID
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
const duration = (seconds) =>
  seconds < 60
    ? format(strings.seconds, { seconds: Math.max(0, Math.floor(seconds)) })
    : format(strings.minutes, { minutes: Math.floor(seconds / 60) });
const clock = (iso) =>
  new Date(iso).toLocaleTimeString("en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "Europe/London",
  });

if (root) {
  const connectionLine = root.querySelector("[data-connection]");
  const alertLine = root.querySelector("[data-alert]");
  const presenceForm = root.querySelector("[data-presence]");
  const statusSelect = presenceForm.elements.status;
  const capacityInput = presenceForm.elements.capacity;
  const acceptButton = root.querySelector("[data-accept]");
  const queueBody = root.querySelector("[data-queue]");
  const queueEmpty = root.querySelector("[data-queue-empty]");
  const tabList = root.querySelector("[data-tabs]");
  const noChats = root.querySelector("[data-no-chats]");
  const panes = root.querySelector("[data-panes]");
  const paneTemplate = root.querySelector("[data-pane-template]");
  const pageTitle = document.title;

  let socket = null;
  let reconnectTimer = null;
  let connected = false;
  let retryDelay = 500;
  let heartbeat = null;
  let pongDue = null;
  let capacity = 3;
  let canned = [];
  let agents = [];
  let me = null;
  let queue = [];
  let queueReceivedAt = Date.now();
  let currentId = null;
  let acceptPending = false;
  const chats = new Map(); // conversation id -> chat
  const outbox = new Map(); // client_id -> {type, conversation, body}

  const send = (payload) => {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(payload));
      return true;
    }
    return false;
  };

  const announce = (text, { error = false } = {}) => {
    alertLine.textContent = text;
    alertLine.classList.toggle("is-error", error);
  };

  const errorText = (code) => strings.errors[code] || strings.errors.bad_request;

  // --- The queue ----------------------------------------------------------

  const activeCount = () =>
    [...chats.values()].filter((chat) => chat.status === "active").length;

  const renderAccept = () => {
    acceptButton.disabled = !connected || queue.length === 0 || activeCount() >= capacity;
  };

  const renderQueue = () => {
    const elapsed = (Date.now() - queueReceivedAt) / 1000;
    queueBody.replaceChildren(
      ...queue.map((person) => {
        const row = document.createElement("tr");
        for (const text of [
          person.position,
          person.topic,
          person.name || strings.no_name,
          duration(person.waiting_seconds + elapsed),
        ]) {
          const cell = document.createElement("td");
          cell.textContent = String(text);
          row.append(cell);
        }
        return row;
      }),
    );
    queueEmpty.hidden = queue.length > 0;
    renderAccept();
  };

  const renderStats = (stats) => {
    const shown = {
      waiting: stats.waiting,
      longest_wait: duration(stats.longest_wait_seconds),
      agents_available: stats.agents_available,
      in_progress: stats.in_progress,
    };
    for (const [name, value] of Object.entries(shown)) {
      root.querySelector(`[data-stat="${name}"]`).textContent = String(value);
    }
  };

  // --- Chats --------------------------------------------------------------

  const renderTitle = () => {
    const unread = [...chats.values()].reduce((sum, chat) => sum + chat.unread, 0);
    document.title = unread ? `(${unread}) ${pageTitle}` : pageTitle;
  };

  const renderTab = (chat) => {
    chat.tabName.textContent = chat.name;
    chat.tab.classList.toggle("is-ended", chat.status === "ended");
    chat.tab.classList.toggle("is-at-risk", chat.atRisk);
    chat.tabBadge.hidden = chat.unread === 0;
    chat.tabBadge.textContent = String(chat.unread);
    chat.tabBadgeText.textContent = chat.unread
      ? ` ${format(strings.unread, { count: chat.unread })}`
      : "";
    renderTitle();
  };

  const select = (chat, { focus = false } = {}) => {
    currentId = chat.id;
    for (const other of chats.values()) {
      const isCurrent = other === chat;
      other.tab.setAttribute("aria-selected", String(isCurrent));
      other.tab.tabIndex = isCurrent ? 0 : -1;
      other.pane.classList.toggle("is-current", isCurrent);
    }
    if (document.visibilityState === "visible") chat.unread = 0;
    renderTab(chat);
    if (focus) chat.pane.querySelector("[data-send] textarea").focus();
  };

  const attending = (chat) =>
    chat.id === currentId && document.visibilityState === "visible";

  const renderChat = (chat) => {
    const statusText =
      chat.status === "ended"
        ? strings.status_ended
        : chat.status === "waiting"
          ? strings.status_waiting
          : strings.status_active;
    const parts = [chat.topic, statusText, chat.endedText];
    if (chat.caseReference) {
      parts.push(format(strings.reference, { reference: chat.caseReference }));
    }
    chat.pane.querySelector("[data-title]").textContent = chat.name;
    chat.pane.querySelector("[data-meta]").textContent = parts.filter(Boolean).join(" · ");
    const ended = chat.status === "ended";
    for (const selector of ["[data-send]", "[data-note]", "[data-transfer]"]) {
      for (const control of chat.pane.querySelector(selector).elements) {
        control.disabled = ended;
      }
    }
    chat.pane.querySelector("[data-end]").hidden = ended;
    chat.pane.querySelector("[data-close]").hidden = !ended;
    chat.pane.querySelector("[data-risk]").hidden = !chat.atRisk;
    for (const button of chat.pane.querySelectorAll("[data-flag]")) {
      button.disabled = chat.dispatchFlagged;
      button.textContent = chat.dispatchFlagged
        ? strings.flagged_done
        : button.dataset.label;
    }
    renderTab(chat);
    renderAccept();
  };

  const fillTransferOptions = (chat) => {
    const choice = chat.transferSelect.value;
    const options = [chat.transferSelect.options[0]];
    for (const agent of agents) {
      if (me && agent.id === me.id) continue;
      const option = document.createElement("option");
      option.value = String(agent.id);
      option.textContent = `${agent.name} (${agent.status_label}, ${agent.chats}/${agent.capacity})`;
      options.push(option);
    }
    chat.transferSelect.replaceChildren(...options);
    chat.transferSelect.value = [...chat.transferSelect.options].some(
      (option) => option.value === choice,
    )
      ? choice
      : "queue";
  };

  const fillCanned = (chat) => {
    const list = chat.pane.querySelector("[data-canned]");
    const options = [list.options[0]];
    for (const reply of canned) {
      const option = document.createElement("option");
      option.value = String(reply.id);
      option.textContent = reply.title;
      options.push(option);
    }
    list.replaceChildren(...options);
  };

  const requestSync = (chat) => {
    send({ type: "sync", conversation: chat.id, after: chat.sequence.last });
  };

  const messageItem = (chat, message) => {
    const item = document.createElement("li");
    item.className = `hr-msg hr-msg--${message.sender}`;
    const who = {
      citizen: chat.name,
      agent: strings.agent,
      note: strings.note,
      system: strings.system,
    }[message.sender];
    const meta = document.createElement("span");
    meta.className = "hr-msg__meta";
    meta.textContent = message.sent_at ? `${who}, ${clock(message.sent_at)}` : who;
    item.append(meta);
    if (message.flagged) {
      item.classList.add("is-flagged");
      const risk = document.createElement("strong");
      risk.className = "hr-msg__risk";
      risk.textContent = strings.risk;
      item.append(risk);
    }
    const body = document.createElement("span");
    body.className = "hr-msg__body";
    body.textContent = message.body;
    item.append(body);
    return item;
  };

  const scrollToEnd = (chat) => {
    chat.log.scrollTop = chat.log.scrollHeight;
  };

  const show = (chat, message) => {
    outbox.delete(message.client_id);
    const item = messageItem(chat, message);
    item.dataset.seq = String(message.seq);
    const pending = message.client_id
      ? chat.log.querySelector(`[data-client-id="${CSS.escape(message.client_id)}"]`)
      : null;
    pending?.remove();
    // Stored messages go before any still being sent.
    chat.log.insertBefore(item, chat.log.querySelector(".hr-msg--pending"));
    scrollToEnd(chat);
    if (message.flagged) chat.atRisk = true;
    if (message.sender === "citizen") {
      chat.typing.textContent = "";
      if (!attending(chat)) chat.unread += 1;
    }
    renderChat(chat);
  };

  const queueToSend = (chat, type, body) => {
    const clientId = newClientId();
    outbox.set(clientId, { type, conversation: chat.id, body });
    const item = messageItem(chat, {
      sender: type === "note" ? "note" : "agent",
      body,
    });
    item.classList.add("hr-msg--pending");
    item.dataset.clientId = clientId;
    item.querySelector(".hr-msg__meta").textContent = strings.sending;
    chat.log.append(item);
    scrollToEnd(chat);
    send({ type, conversation: chat.id, body, client_id: clientId, echo: false });
  };

  const flushOutbox = () => {
    for (const [clientId, item] of outbox) {
      send({ ...item, client_id: clientId, echo: false });
    }
  };

  const dropOutboxOf = (chat) => {
    for (const [clientId, item] of outbox) {
      if (item.conversation === chat.id) outbox.delete(clientId);
    }
    for (const item of chat.log.querySelectorAll(".hr-msg--pending")) item.remove();
  };

  const removeChat = (chat) => {
    chat.sequence.stop();
    dropOutboxOf(chat);
    chat.tab.remove();
    chat.pane.remove();
    chats.delete(chat.id);
    if (currentId === chat.id) {
      currentId = null;
      const next = chats.values().next().value;
      if (next) select(next);
    }
    noChats.hidden = chats.size > 0;
    renderTitle();
    renderAccept();
  };

  const wirePane = (chat) => {
    const { pane } = chat;
    const sendForm = pane.querySelector("[data-send]");
    const noteForm = pane.querySelector("[data-note]");
    const reply = sendForm.querySelector("textarea");
    let lastTypingSent = 0;

    sendForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = reply.value.trim();
      if (!body) return;
      queueToSend(chat, "message", body);
      reply.value = "";
      reply.focus();
    });
    reply.addEventListener("keydown", (event) => {
      // Enter sends, as in every chat tool; Shift+Enter starts a new line.
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        sendForm.requestSubmit();
      }
    });
    reply.addEventListener("input", () => {
      const now = Date.now();
      if (now - lastTypingSent > 3000) {
        lastTypingSent = now;
        send({ type: "typing", conversation: chat.id });
      }
    });
    pane.querySelector("[data-insert]").addEventListener("click", () => {
      const choice = pane.querySelector("[data-canned]").value;
      const text = canned.find((reply) => String(reply.id) === choice)?.body;
      if (!text) return;
      reply.value = reply.value.trim() ? `${reply.value.trimEnd()}\n${text}` : text;
      reply.focus();
    });
    noteForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const textarea = noteForm.querySelector("textarea");
      const body = textarea.value.trim();
      if (!body) return;
      queueToSend(chat, "note", body);
      textarea.value = "";
    });
    pane.querySelector("[data-transfer]").addEventListener("submit", (event) => {
      event.preventDefault();
      send({ type: "transfer", conversation: chat.id, to: chat.transferSelect.value });
    });
    for (const button of pane.querySelectorAll("[data-flag]")) {
      button.dataset.label = button.textContent;
      button.addEventListener("click", () => send({ type: "flag", conversation: chat.id }));
    }
    pane.querySelector("[data-end]").addEventListener("click", () => {
      if (window.confirm(strings.confirm_end)) send({ type: "end", conversation: chat.id });
    });
    pane.querySelector("[data-close]").addEventListener("click", () => removeChat(chat));
    pane.addEventListener("focusin", () => {
      if (currentId !== chat.id || chat.unread) select(chat);
    });
  };

  const createChat = (summary) => {
    const pane = paneTemplate.content.firstElementChild.cloneNode(true);
    const id = summary.id;
    pane.id = `chat-${id}`;
    for (const element of pane.querySelectorAll("[data-id]")) {
      element.id = `chat-${id}-${element.dataset.id}`;
    }
    for (const label of pane.querySelectorAll("[data-for]")) {
      label.htmlFor = `chat-${id}-${label.dataset.for}`;
    }
    pane.querySelector("[data-report]").href = config.report_url.replace(
      "/0/",
      `/${id}/`,
    );
    const log = pane.querySelector("[data-log]");
    log.id = `chat-${id}-log`;

    const tab = document.createElement("button");
    tab.type = "button";
    tab.className = "hr-tab";
    tab.id = `chat-${id}-tab`;
    tab.setAttribute("role", "tab");
    tab.setAttribute("aria-controls", pane.id);
    pane.setAttribute("aria-labelledby", tab.id);
    log.setAttribute("aria-labelledby", tab.id);
    const tabName = document.createElement("span");
    const tabBadge = document.createElement("span");
    tabBadge.className = "hr-tab__badge";
    tabBadge.setAttribute("aria-hidden", "true");
    const tabBadgeText = document.createElement("span");
    tabBadgeText.className = "hr-visually-hidden";
    tab.append(tabName, tabBadge, tabBadgeText);

    const chat = {
      id,
      pane,
      log,
      tab,
      tabName,
      tabBadge,
      tabBadgeText,
      typing: pane.querySelector("[data-typing]"),
      transferSelect: pane.querySelector("[data-transfer] select"),
      name: summary.name || strings.no_name,
      topic: summary.topic,
      status: summary.status,
      endedText: "",
      caseReference: summary.case_reference,
      dispatchFlagged: summary.dispatch_flagged,
      atRisk: false,
      unread: 0,
      typingTimer: null,
    };
    chat.sequence = chatSequence({
      show: (message) => show(chat, message),
      askAfter: () => requestSync(chat),
    });
    tab.addEventListener("click", () => select(chat, { focus: true }));
    wirePane(chat);
    fillCanned(chat);
    fillTransferOptions(chat);
    chats.set(id, chat);
    tabList.append(tab);
    panes.append(pane);
    noChats.hidden = true;
    return chat;
  };

  // Arrow keys move between tabs, as in any tab list.
  tabList.addEventListener("keydown", (event) => {
    const tabs = [...tabList.querySelectorAll("[role=tab]")];
    const index = tabs.indexOf(document.activeElement);
    if (index < 0) return;
    const moves = { ArrowRight: 1, ArrowLeft: -1, Home: -index, End: tabs.length - 1 - index };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = tabs[(index + moves[event.key] + tabs.length) % tabs.length];
    next.focus();
    next.click();
  });

  // --- Events from the server ----------------------------------------------

  const onConversation = (summary) => {
    let chat = chats.get(summary.id);
    const isNew = !chat;
    if (isNew) chat = createChat(summary);
    chat.status = summary.status;
    chat.name = summary.name || strings.no_name;
    chat.topic = summary.topic;
    chat.caseReference = summary.case_reference;
    chat.dispatchFlagged = summary.dispatch_flagged;
    if (isNew && (acceptPending || currentId === null)) {
      select(chat, { focus: acceptPending });
      if (acceptPending) announce(format(strings.accepted, { name: chat.name }));
      acceptPending = false;
    }
    renderChat(chat);
    // A chat just taken on has its history fetched at once; otherwise what
    // was stored since is on its way (a sync is answered with messages and
    // then this summary), and is asked for only if it does not come.
    if (isNew && summary.last_seq > 0) requestSync(chat);
    else chat.sequence.expect(summary.last_seq);
  };

  const setPresence = (presence) => {
    statusSelect.value = presence.status;
    capacity = presence.capacity;
    capacityInput.value = String(presence.capacity);
    statusSelect.disabled = false;
    capacityInput.disabled = false;
    renderAccept();
  };

  const handle = (data) => {
    const chat = chats.get(Number(data.conversation ?? data.message?.conversation));
    switch (data.type) {
      case "hello":
        me = data.agent;
        canned = data.canned || [];
        setPresence(data.presence);
        for (const each of chats.values()) {
          fillCanned(each);
          // Fetch what was missed while the connection was down; chats not
          // held any more (ended, passed on) say so when synced.
          if (each.status !== "ended") requestSync(each);
        }
        flushOutbox();
        break;
      case "conversation":
        onConversation(data.conversation);
        break;
      case "message":
        if (chat) chat.sequence.receive(data.message);
        break;
      case "ack":
        // The stored message or note, with its number: the console's own copy.
        outbox.delete(data.client_id);
        if (chat && data.message) chat.sequence.receive(data.message);
        break;
      case "typing":
        if (!chat) break;
        chat.typing.textContent = format(strings.typing, { name: chat.name });
        clearTimeout(chat.typingTimer);
        chat.typingTimer = setTimeout(() => {
          chat.typing.textContent = "";
        }, 4000);
        break;
      case "status":
        if (!chat) break;
        chat.status = data.status;
        if (data.ended_by === "citizen") chat.endedText = strings.ended_by_citizen;
        if (data.ended_by === "timeout") chat.endedText = strings.ended_by_timeout;
        if (data.status === "ended") dropOutboxOf(chat);
        renderChat(chat);
        break;
      case "flagged":
        if (!chat) break;
        chat.dispatchFlagged = true;
        renderChat(chat);
        break;
      case "released":
        if (chat) removeChat(chat);
        break;
      case "presence":
        setPresence(data);
        break;
      case "queue":
        queue = data.waiting;
        queueReceivedAt = Date.now();
        agents = data.agents || [];
        renderStats(data.stats);
        renderQueue();
        for (const each of chats.values()) fillTransferOptions(each);
        break;
      case "error":
        if (data.code === "try_again" && outbox.has(data.client_id)) {
          // Not stored this time: it stays "Sending…" and goes again shortly.
          const item = outbox.get(data.client_id);
          setTimeout(() => send({ ...item, client_id: data.client_id, echo: false }), 2000);
          break;
        }
        if (!chat) acceptPending = false; // the accept was refused (or nobody waits)
        if (chat && ["ended", "not_yours"].includes(data.code)) dropOutboxOf(chat);
        announce(chat ? `${chat.name}: ${errorText(data.code)}` : errorText(data.code), {
          error: true,
        });
        break;
      case "pong":
        clearTimeout(pongDue);
        // How far each held chat has gone: a broadcast lost on the way shows here.
        for (const [id, seq] of Object.entries(data.last_seqs || {})) {
          chats.get(Number(id))?.sequence.expect(seq);
        }
        break;
      default:
        break;
    }
  };

  // --- The connection -------------------------------------------------------

  const connect = () => {
    reconnectTimer = null;
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${window.location.host}${config.socket_path}`);
    socket.addEventListener("open", () => {
      connected = true;
      retryDelay = 500;
      connectionLine.textContent = strings.connected;
      clearInterval(heartbeat);
      heartbeat = setInterval(() => {
        send({ type: "ping" });
        clearTimeout(pongDue);
        // No answer within 10 seconds: the connection is dead, start again.
        pongDue = setTimeout(() => socket.close(), 10000);
      }, 20000);
    });
    socket.addEventListener("message", (event) => handle(JSON.parse(event.data)));
    socket.addEventListener("close", (event) => {
      connected = false;
      clearInterval(heartbeat);
      clearTimeout(pongDue);
      renderAccept();
      if (event.code === 4403) {
        connectionLine.textContent = strings.forbidden;
        return;
      }
      connectionLine.textContent = strings.reconnecting;
      reconnectTimer = setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 10000);
    });
  };

  acceptButton.addEventListener("click", () => {
    acceptPending = send({ type: "accept" });
  });

  const sendPresence = () => {
    const wanted = Number(capacityInput.value);
    send({
      type: "presence",
      status: statusSelect.value,
      capacity: Number.isInteger(wanted) && wanted > 0 ? wanted : capacity,
    });
  };
  statusSelect.addEventListener("change", sendPresence);
  capacityInput.addEventListener("change", sendPresence);
  presenceForm.addEventListener("submit", (event) => {
    event.preventDefault();
    sendPresence();
  });

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible") return;
    // A laptop that slept may hold a dead socket: try again at once.
    if (socket && socket.readyState === WebSocket.CLOSED && reconnectTimer) {
      clearTimeout(reconnectTimer);
      connect();
    }
    const current = chats.get(currentId);
    if (current) select(current);
  });

  // Time waiting goes on counting between queue updates.
  setInterval(renderQueue, 5000);
  connect();
}
