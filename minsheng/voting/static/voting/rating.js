// The rating page saves each item in place with htmx. When the server refuses in a way that cannot be shown
// inside the item (an expired session's security token, a server error), load the whole page again, which
// says what is wrong.
(function () {
  "use strict";
  document.body.addEventListener("htmx:responseError", function () { window.location.reload(); });
})();
