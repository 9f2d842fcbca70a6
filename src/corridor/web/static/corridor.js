// Corridor's small page script: live updates over server-sent events, an offline notice, and
// the CSRF header for the page's own API calls. Pages work without it.
(function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]');
  window.corridorFetch = function (url, options) {
    options = options || {};
    options.headers = Object.assign({"X-CSRF-Token": csrf ? csrf.content : ""}, options.headers || {});
    options.credentials = "same-origin";
    return fetch(url, options);
  };

  // Positions on the pause timeline come as data-left and data-width (percent): the pages'
  // Content-Security-Policy refuses style attributes, but not styles set by a script file.
  function place() {
    document.querySelectorAll("[data-left]").forEach(function (el) {
      el.style.left = el.dataset.left + "%";
      if (el.dataset.width) el.style.width = el.dataset.width + "%";
    });
  }
  place();
  document.addEventListener("corridor:refreshed", place);

  const offline = document.getElementById("offline");
  const source = document.body.dataset.live;
  if (!source || !window.EventSource) return;
  const lang = document.documentElement.lang;
  let since = null;
  // The log's size when the page was read: if the stream starts at another size, an entry
  // shown "pending" may have been integrated in between, and no "changed" would follow.
  let shown = document.body.dataset.logSize;

  // Refresh the parts of the page marked data-live-part with the same parts of a fresh copy.
  async function refresh() {
    const parts = document.querySelectorAll("[data-live-part]");
    if (!parts.length) return;
    const response = await fetch(location.href, {credentials: "same-origin",
                                                 headers: {"X-Live-Refresh": "1"}});
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    shown = fresh.body.dataset.logSize;
    parts.forEach(function (part) {
      const next = fresh.querySelector('[data-live-part="' + part.dataset.livePart + '"]');
      if (next && !part.contains(document.activeElement)) part.replaceWith(next);
    });
    document.dispatchEvent(new CustomEvent("corridor:refreshed"));
  }

  const events = new EventSource(source);
  events.addEventListener("changed", function () { refresh(); });
  events.addEventListener("hello", function (event) {
    if (since) { since = null; offline.hidden = true; refresh(); }
    else if (shown !== undefined && event.data !== shown) refresh();
  });
  events.onerror = function () {
    if (!since) {
      since = new Date();
      offline.textContent = offline.dataset.message.replace("{time}", since.toLocaleTimeString(lang));
      offline.hidden = false;
    }
  };
})();
