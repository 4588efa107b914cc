// Live notices on every staff page: a new urgent report, overdue cases.
// Connects to /ws/staff/alerts/ (casework.consumers.StaffAlertsConsumer) and
// shows each notice in a live region, with its link, until dismissed.
// Without JavaScript nothing is lost: queues and the dashboard show the same.
(function () {
  "use strict";
  var box = document.getElementById("staff-notices");
  if (!box || !window.WebSocket) {
    return;
  }
  var polite = document.getElementById("staff-notices-polite");
  var urgent = document.getElementById("staff-notices-urgent");
  var retryDelay = 1000;
  var heartbeat = null;

  function show(notice) {
    var region = notice.level === "urgent" ? urgent : polite;
    var item = document.createElement("div");
    item.className = "hr-notice hr-notice--" + (notice.level === "urgent" ? "urgent" : "info");
    var text = document.createElement("p");
    text.textContent = notice.text;
    item.appendChild(text);
    if (notice.link && notice.link.charAt(0) === "/") {
      var link = document.createElement("a");
      link.href = notice.link;
      link.textContent = "Open";
      item.appendChild(link);
    }
    var close = document.createElement("button");
    close.type = "button";
    close.className = "button";
    close.textContent = "Dismiss";
    close.addEventListener("click", function () {
      item.remove();
    });
    item.appendChild(close);
    region.appendChild(item);
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + box.dataset.socketPath);
    socket.addEventListener("open", function () {
      retryDelay = 1000;
      heartbeat = window.setInterval(function () {
        socket.send(JSON.stringify({ type: "ping" }));
      }, 25000);
    });
    socket.addEventListener("message", function (event) {
      var message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (message.type === "notice") {
        show(message);
      }
    });
    socket.addEventListener("close", function (event) {
      window.clearInterval(heartbeat);
      if (event.code === 4403) {
        return; // signed out: the next page asks to sign in again
      }
      window.setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    });
  }

  connect();
})();
