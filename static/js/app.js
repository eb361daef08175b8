// Integration Blueprint: make every failed request visible; never fail silently.
(function () {
  "use strict";

  function showToast(text, level) {
    const area = document.getElementById("toasts");
    if (!area) return;
    const box = document.createElement("div");
    box.className = "alert alert-" + (level || "danger") + " alert-dismissible shadow";
    box.setAttribute("role", "alert");
    box.textContent = text;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("aria-label", "Close");
    close.addEventListener("click", () => box.remove());
    box.appendChild(close);
    area.appendChild(box);
    setTimeout(() => box.remove(), 12000);
  }
  window.blueprintToast = showToast;

  function messageFrom(xhr) {
    try {
      const doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
      const el = doc.querySelector(".error-message");
      if (el && el.textContent.trim()) return el.textContent.trim();
    } catch (e) { /* fall through */ }
    return "";
  }

  document.addEventListener("htmx:responseError", (event) => {
    const xhr = event.detail.xhr;
    const detail = messageFrom(xhr);
    let text;
    if (xhr.status === 403) text = detail || "You are not allowed to do this.";
    else if (xhr.status === 404) text = detail || "This item no longer exists; reload the page.";
    else text = "The server could not save this (error " + xhr.status + "). Your input is kept; try again.";
    showToast(text);
  });
  document.addEventListener("htmx:sendError", () => {
    showToast("Cannot reach the server. Your input is kept; try again when the connection is back.");
  });
  document.addEventListener("htmx:timeout", () => {
    showToast("The server took too long to answer. Your input is kept; try again.");
  });
})();
