// The member of the public's side of web chat.
//
// Every message has a sequence number given by the server when it is stored;
// chat-sequence.js shows each number once, in order, waiting a moment for a
// message that was overtaken before asking for what is missing. Numbers taken
// by the agents' internal notes, which this page never gets, are skipped.
// Messages typed while the connection is down wait in an outbox and are sent
// (with the same id, so the server stores them once) when it comes back.
// The server answers each with the stored message (the ack), which is how
// this page shows its own: it says so ("echo: false"), so the server does not
// send the same message again as a broadcast.

import { chatSequence } from "./chat-sequence.js";

const root = document.querySelector("[data-chat]");
const strings = JSON.parse(document.getElementById("chat-strings")?.textContent || "{}");

if (root) {
  const log = root.querySelector("[data-chat-log]");
  const statusLine = root.querySelector("[data-chat-status]");
  const typingLine = root.querySelector("[data-chat-typing]");
  const form = root.querySelector("[data-chat-form]");
  const textarea = form.querySelector("textarea");
  const endButton = root.querySelector("[data-chat-end]");
  const endedUrl = root.dataset.endedUrl;

  let socket = null;
  let retryDelay = 500;
  let heartbeat = null;
  let pongDue = null;
  let typingTimer = null;
  let lastTypingSent = 0;
  let ended = false;
  const outbox = new Map(); // client_id -> body, until the server has it

  const say = (text) => {
    statusLine.textContent = text;
  };

  const render = (message) => {
    const item = document.createElement("li");
    item.className = `hr-chat__message hr-chat__message--${message.sender}`;
    item.dataset.seq = String(message.seq);
    const who = { citizen: strings.you_said, agent: strings.agent_said }[message.sender];
    if (who) {
      const hidden = document.createElement("span");
      hidden.className = "govuk-visually-hidden";
      hidden.textContent = who + " ";
      item.append(hidden);
    }
    item.append(document.createTextNode(message.body));
    log.append(item);
    log.scrollTop = log.scrollHeight;
  };

  const sequence = chatSequence({
    after: Number(root.dataset.lastSeq || 0),
    show: (message) => {
      outbox.delete(message.client_id);
      render(message);
      if (message.sender === "agent") typingLine.textContent = ""; // they have sent it
    },
    askAfter: (after) => send({ type: "sync", after }),
  });

  const send = (payload) => {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(payload));
      return true;
    }
    return false;
  };

  const flushOutbox = () => {
    for (const [clientId, body] of outbox) {
      send({ type: "message", body, client_id: clientId, echo: false });
    }
  };

  const finish = () => {
    ended = true;
    say(strings.ended);
    window.location.assign(endedUrl);
  };

  const handle = (data) => {
    switch (data.type) {
      case "hello":
        send({ type: "sync", after: sequence.last });
        flushOutbox();
        if (data.status === "ended") finish();
        break;
      case "message":
        sequence.receive(data.message);
        break;
      case "skip":
        sequence.skip(data.seqs);
        break;
      case "ack":
        // The stored message, with its number: this page's own copy of it.
        outbox.delete(data.client_id);
        if (data.message) sequence.receive(data.message);
        break;
      case "queue":
        say(
          strings.queue
            .replace("{position}", String(data.position))
            .replace("{minutes}", String(data.wait_minutes)),
        );
        break;
      case "status":
        if (data.status === "active") say(strings.joined);
        if (data.status === "waiting") say(strings.requeued);
        if (data.status === "ended") finish();
        break;
      case "typing":
        typingLine.textContent = strings.typing;
        clearTimeout(typingTimer);
        typingTimer = setTimeout(() => {
          typingLine.textContent = "";
        }, 4000);
        break;
      case "pong":
        clearTimeout(pongDue);
        // How far the chat has gone: a broadcast lost on the way shows here.
        if (typeof data.last_seq === "number") sequence.expect(data.last_seq);
        break;
      case "error":
        if (data.code === "too_fast" || data.code === "try_again") {
          if (data.code === "too_fast") say(strings.too_fast);
          // The message was not stored and stays in the outbox: send it
          // again shortly (the server stores it once, by its id).
          const body = outbox.get(data.client_id);
          if (body !== undefined) {
            setTimeout(() => send({ type: "message", body, client_id: data.client_id, echo: false }), 1200);
          }
        }
        if (data.code === "too_long") say(strings.too_long);
        if (data.code === "ended") finish();
        break;
      default:
        break;
    }
  };

  const connect = () => {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${window.location.host}${root.dataset.socketPath}`);
    socket.addEventListener("open", () => {
      retryDelay = 500;
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
      clearInterval(heartbeat);
      clearTimeout(pongDue);
      if (ended) return;
      if (event.code === 4403) {
        say(strings.unavailable);
        return;
      }
      say(strings.reconnecting);
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 10000);
    });
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = textarea.value.trim();
    if (!body) return;
    const clientId = crypto.randomUUID ? crypto.randomUUID() : String(Date.now() + Math.random());
    outbox.set(clientId, body);
    send({ type: "message", body, client_id: clientId, echo: false });
    textarea.value = "";
    textarea.focus();
  });

  textarea.addEventListener("input", () => {
    const now = Date.now();
    if (now - lastTypingSent > 3000) {
      lastTypingSent = now;
      send({ type: "typing" });
    }
  });

  endButton.addEventListener("click", () => {
    if (window.confirm(strings.confirm_end)) {
      if (!send({ type: "end" })) window.location.assign(endedUrl);
    }
  });

  // A phone that slept may hold a dead socket: check as soon as it wakes.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      if (!socket || socket.readyState === WebSocket.CLOSED) connect();
      else send({ type: "sync", after: sequence.last });
    }
  });

  connect();
}
