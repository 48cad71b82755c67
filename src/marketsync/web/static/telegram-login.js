// Telegram's login page (oauth.telegram.org/auth opened by a plain link) returns to /auth/telegram/callback with
// the signed fields in the fragment, #tgAuthResult=<base64 JSON>; the server never sees a fragment, so move the
// fields into the query string, where the server checks their hash.
(function () {
  var status = document.getElementById("telegram-return");
  var match = /tgAuthResult=([^&]+)/.exec(window.location.hash || "");
  if (!match) { status.textContent = status.dataset.fail; return; }
  try {
    var text = atob(decodeURIComponent(match[1]).replace(/-/g, "+").replace(/_/g, "/"));
    var data = JSON.parse(decodeURIComponent(escape(text)));
    var query = new URLSearchParams();
    Object.keys(data).forEach(function (key) { query.set(key, String(data[key])); });
    window.location.replace(window.location.pathname + "?" + query.toString());
  } catch (e) {
    status.textContent = status.dataset.fail;
  }
})();
