// Opens YooKassa's checkout widget in a modal on /billing once the top-up form has created a payment: the
// token and the return address come in #payment-widget's data attributes (the page's CSP allows no inline code).
(function () {
  "use strict";
  var holder = document.getElementById("payment-widget");
  if (!holder || typeof window.YooMoneyCheckoutWidget !== "function") {
    var status = document.getElementById("widget-status");
    if (holder && status) { status.textContent = holder.dataset.errorText; status.className = "alert alert-danger"; }
    return;
  }
  var widget = new window.YooMoneyCheckoutWidget({
    confirmation_token: holder.dataset.confirmationToken,
    return_url: holder.dataset.returnUrl,
    customization: {modal: true},
    error_callback: function () {
      var status = document.getElementById("widget-status");
      if (status) { status.textContent = holder.dataset.errorText; status.className = "alert alert-danger"; }
    }
  });
  widget.render();
})();
