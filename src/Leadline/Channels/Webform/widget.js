// Leadline web form widget: <script src="https://…/f/{key}/widget.js" async></script> on any page of an allowed site.
// A floating "Send us a message" button opens a small form; it posts to the form's endpoint with fetch (JSON) and shows
// the thank-you text or the errors next to the fields. Friendly to a strict Content-Security-Policy on the host page:
// no eval, no inline <style> or <script>, no innerHTML (styles are set through the CSSOM, text through textContent), and
// everything lives in a shadow root so the page's styles and ours do not mix. The server puts the form's settings below.
(function () {
  "use strict";
  var config = /*CONFIG*/null;
  if (!config || typeof document === "undefined" || document.getElementById("leadline-widget")) {
    return;
  }

  var accent = "#0d6efd";
  var font = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

  function el(tag, styles, attrs) {
    var node = document.createElement(tag);
    var name;
    for (name in styles || {}) {
      if (Object.prototype.hasOwnProperty.call(styles, name)) {
        node.style[name] = styles[name];
      }
    }
    for (name in attrs || {}) {
      if (Object.prototype.hasOwnProperty.call(attrs, name)) {
        node.setAttribute(name, attrs[name]);
      }
    }
    return node;
  }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    return String(Date.now()) + "-" + Math.random().toString(36).slice(2, 12);
  }

  function start() {
    var host = el("div", {}, { id: "leadline-widget" });
    document.body.appendChild(host);
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;

    var button = el("button", {
      position: "fixed", right: "20px", bottom: "20px", zIndex: "2147483000", background: accent, color: "#fff",
      border: "0", borderRadius: "999px", padding: "12px 20px", font: "600 15px " + font, cursor: "pointer",
      boxShadow: "0 6px 20px rgba(0,0,0,.25)"
    }, { type: "button", "aria-haspopup": "dialog", "aria-expanded": "false", part: "button" });
    button.textContent = "Send us a message";

    var panel = el("div", {
      position: "fixed", right: "20px", bottom: "80px", zIndex: "2147483000", width: "340px", maxWidth: "calc(100vw - 24px)",
      maxHeight: "calc(100vh - 110px)", overflowY: "auto", background: "#fff", color: "#212529", borderRadius: "14px",
      boxShadow: "0 12px 40px rgba(0,0,0,.3)", font: "14px/1.4 " + font, display: "none", boxSizing: "border-box", padding: "16px"
    }, { role: "dialog", "aria-label": config.title || "Send us a message", part: "panel" });

    var head = el("div", { display: "flex", justifyContent: "space-between", alignItems: "center", marginBottom: "10px" });
    var title = el("strong", { fontSize: "16px" });
    title.textContent = config.title || "Send us a message";
    var close = el("button", { background: "transparent", border: "0", fontSize: "22px", lineHeight: "1", cursor: "pointer", color: "#6c757d" },
      { type: "button", "aria-label": "Close" });
    close.textContent = "\u00d7";
    head.appendChild(title);
    head.appendChild(close);
    panel.appendChild(head);

    var form = el("form", {}, { novalidate: "novalidate" });
    var inputs = {};
    var errors = {};
    var key = newKey();
    (config.fields || []).forEach(function (field) {
      var wrap = el("div", { marginBottom: "10px" });
      var id = "leadline-" + field.key;
      var label = el("label", { display: "block", fontWeight: "600", marginBottom: "4px" }, { "for": id });
      label.textContent = field.label + (field.required ? " *" : "");
      var input = el(field.type === "textarea" ? "textarea" : "input", {
        width: "100%", boxSizing: "border-box", border: "1px solid #ced4da", borderRadius: "8px", padding: "8px 10px",
        font: "14px " + font, color: "#212529", background: "#fff"
      }, { id: id, name: field.key });
      if (field.type === "textarea") {
        input.setAttribute("rows", "4");
      } else {
        input.setAttribute("type", field.type || "text");
        if (field.key === "name") { input.setAttribute("autocomplete", "name"); }
        if (field.key === "email") { input.setAttribute("autocomplete", "email"); }
        if (field.key === "phone") { input.setAttribute("autocomplete", "tel"); }
      }
      if (field.required) {
        input.setAttribute("aria-required", "true");
      }
      var error = el("div", { color: "#dc3545", fontSize: "13px", marginTop: "3px", display: "none" }, { id: id + "-error", role: "alert" });
      wrap.appendChild(label);
      wrap.appendChild(input);
      wrap.appendChild(error);
      form.appendChild(wrap);
      inputs[field.key] = input;
      errors[field.key] = error;
    });

    // people do not see or fill this; bots that fill every input do
    var trap = el("input", { position: "absolute", left: "-10000px", width: "1px", height: "1px", opacity: "0" },
      { name: "website2", type: "text", tabindex: "-1", autocomplete: "off", "aria-hidden": "true" });
    form.appendChild(trap);

    var general = el("div", { color: "#dc3545", fontSize: "13px", marginBottom: "8px", display: "none" }, { role: "alert" });
    form.appendChild(general);
    var send = el("button", {
      width: "100%", background: accent, color: "#fff", border: "0", borderRadius: "8px", padding: "10px", font: "600 15px " + font, cursor: "pointer"
    }, { type: "submit" });
    send.textContent = "Send";
    form.appendChild(send);
    panel.appendChild(form);

    var thanks = el("p", { margin: "8px 0", display: "none" }, { role: "status" });
    panel.appendChild(thanks);

    root.appendChild(button);
    root.appendChild(panel);

    function toggle(open) {
      panel.style.display = open ? "block" : "none";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) {
        var first = inputs[(config.fields || [])[0] && config.fields[0].key];
        if (first) { first.focus(); }
      }
    }
    button.addEventListener("click", function () { toggle(panel.style.display === "none"); });
    close.addEventListener("click", function () { toggle(false); });

    function showErrors(byField) {
      var rest = [];
      Object.keys(errors).forEach(function (k) {
        errors[k].style.display = "none";
        inputs[k].style.borderColor = "#ced4da";
      });
      Object.keys(byField || {}).forEach(function (k) {
        var text = [].concat(byField[k]).join(" ");
        if (errors[k]) {
          errors[k].textContent = text;
          errors[k].style.display = "block";
          inputs[k].style.borderColor = "#dc3545";
        } else {
          rest.push(text);
        }
      });
      general.textContent = rest.join(" ");
      general.style.display = rest.length ? "block" : "none";
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = { pageUrl: String(window.location.href), referrer: document.referrer || undefined, idempotencyKey: key };
      Object.keys(inputs).forEach(function (k) { body[k] = inputs[k].value; });
      body.website2 = trap.value;
      send.disabled = true;
      send.textContent = "Sending…";
      fetch(config.endpoint, {
        method: "POST", mode: "cors", credentials: "omit",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(body)
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) { return { status: response.status, data: data }; });
      }).then(function (result) {
        if (result.status === 201 || result.status === 200) {
          form.style.display = "none";
          thanks.textContent = (result.data && result.data.message) || config.thankYou;
          thanks.style.display = "block";
          key = newKey();
        } else if (result.status === 400 && result.data && result.data.errors) {
          showErrors(result.data.errors);
        } else {
          showErrors({ _: (result.data && result.data.detail) || "The message could not be sent. Please try again." });
        }
      }).catch(function () {
        showErrors({ _: "The message could not be sent: check your connection and try again." });
      }).then(function () {
        send.disabled = false;
        send.textContent = "Send";
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
