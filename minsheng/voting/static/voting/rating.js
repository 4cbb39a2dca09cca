// The rating page saves each item in place with htmx. When the server refuses in a way that cannot be shown
// inside the item (an expired session's security token, a server error), load the whole page again, which
// says what is wrong.
// After a save the item is replaced; focus goes back to the control the reader pressed (or to the errors
// said about it), not to the top of the page.
(function () {
  "use strict";
  var pending = null;

  document.body.addEventListener("htmx:responseError", function () { window.location.reload(); });

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var active = document.activeElement;
    pending = null;
    if (!target || !target.id) { return; }
    var selector = "button[type=submit]";
    if (active && target.contains(active)) {
      if (active.name && active.value && active.type === "radio") {
        selector = "input[name='" + active.name + "'][value='" + active.value + "']";
      } else if (active.name) {
        selector = "[name='" + active.name + "']";
      }
    }
    pending = { id: target.id, selector: selector };
  });

  document.body.addEventListener("htmx:afterSettle", function () {
    if (!pending) { return; }
    var item = document.getElementById(pending.id);
    pending = pending && item ? pending : null;
    if (!pending) { return; }
    var errors = item.querySelector(".errors");
    var focus = errors || item.querySelector(pending.selector) || item.querySelector(".your-rating");
    pending = null;
    if (!focus) { return; }
    if (!focus.matches("a, button, input, select, textarea, summary")) { focus.setAttribute("tabindex", "-1"); }
    focus.focus();
  });
})();
