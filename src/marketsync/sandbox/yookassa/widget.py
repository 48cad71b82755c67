"""The stand-in for YooKassa's checkout widget (checkout-widget.js), served in demo mode and tests.

It defines `window.YooMoneyCheckoutWidget` with the real one's constructor options (`confirmation_token`,
`return_url`, `customization.modal`, `error_callback`) and methods (`render`, `on`, `destroy`), and shows a
modal with "Оплатить" and "Отклонить" buttons that post to the sandbox's own checkout endpoints with the token,
as the real widget drives YooKassa; then it fires "success" or "fail" and follows return_url, as the real one
does. No inline code: the page's CSP holds."""

WIDGET_JS = r"""
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script ? script.src.replace(/\/checkout-widget\/v1\/checkout-widget\.js.*$/, "") : "";

  function YooMoneyCheckoutWidget(options) {
    if (!options || !options.confirmation_token) { throw new Error("confirmation_token is required"); }
    this.options = options;
    this.handlers = {};
    this.root = null;
  }
  YooMoneyCheckoutWidget.prototype.on = function (event, handler) {
    (this.handlers[event] = this.handlers[event] || []).push(handler);
  };
  YooMoneyCheckoutWidget.prototype.emit = function (event, data) {
    (this.handlers[event] || []).forEach(function (handler) { handler(data); });
  };
  YooMoneyCheckoutWidget.prototype.destroy = function () {
    if (this.root) { this.root.remove(); this.root = null; }
  };
  YooMoneyCheckoutWidget.prototype.finish = function (action) {
    var self = this;
    var status = self.root.querySelector("[data-yookassa-status]");
    status.textContent = "…";
    fetch(base + "/checkout/" + encodeURIComponent(self.options.confirmation_token) + "/" + action,
          {method: "POST"})
      .then(function (answer) { return answer.json().then(function (body) { return [answer.ok, body]; }); })
      .then(function (result) {
        if (!result[0]) {
          status.textContent = result[1].description || "error";
          if (self.options.error_callback) { self.options.error_callback(result[1]); }
          return;
        }
        var ok = result[1].status === "succeeded" || result[1].status === "waiting_for_capture";
        status.textContent = ok ? "Оплата прошла" : "Платёж отклонён";
        self.emit(ok ? "success" : "fail", result[1]);
        self.emit("complete", result[1]);
        if (self.options.return_url) { window.location.assign(self.options.return_url); }
      });
  };
  YooMoneyCheckoutWidget.prototype.render = function (containerId) {
    var self = this;
    var modal = !containerId || (self.options.customization && self.options.customization.modal);
    var root = document.createElement("div");
    root.setAttribute("role", "dialog");
    root.setAttribute("aria-label", "ЮKassa (песочница)");
    root.id = "yookassa-sandbox-widget";
    root.style.cssText = modal ? "position:fixed;inset:0;background:rgba(0,0,0,.5);display:flex;" +
      "align-items:center;justify-content:center;z-index:2000" : "";
    var box = document.createElement("div");
    box.style.cssText = "background:#fff;border-radius:8px;padding:24px;min-width:300px;font-family:sans-serif";
    var title = document.createElement("p");
    title.textContent = "ЮKassa — тестовая оплата";
    title.style.fontWeight = "bold";
    var pay = document.createElement("button");
    pay.type = "button"; pay.textContent = "Оплатить"; pay.className = "btn btn-success me-2";
    var decline = document.createElement("button");
    decline.type = "button"; decline.textContent = "Отклонить"; decline.className = "btn btn-outline-danger";
    var status = document.createElement("p");
    status.setAttribute("data-yookassa-status", ""); status.setAttribute("role", "status");
    pay.addEventListener("click", function () { self.finish("pay"); });
    decline.addEventListener("click", function () { self.finish("decline"); });
    box.append(title, pay, decline, status);
    root.appendChild(box);
    (modal ? document.body : document.getElementById(containerId)).appendChild(root);
    self.root = root;
    self.emit("modal_open", {});
    return Promise.resolve();
  };
  window.YooMoneyCheckoutWidget = YooMoneyCheckoutWidget;
})();
"""
