// The ballot's counter: "Chosen: k of n" as boxes are ticked. The server checks the count again.
(function () {
  "use strict";
  function setUp(form) {
    var counter = form.querySelector("[data-counter-text]");
    var boxes = form.querySelectorAll("input[type=checkbox][name=items]");
    var n = parseInt(form.getAttribute("data-choose"), 10);
    var exactly = form.getAttribute("data-exactly") === "1";
    function update() {
      var k = 0;
      boxes.forEach(function (box) { if (box.checked) { k += 1; } });
      counter.textContent = counter.getAttribute("data-counter-text").replace("{k}", k).replace("{n}", n);
      var wrong = k > n || (exactly && k !== n) || k === 0;
      counter.classList.toggle("wrong-count", wrong);
    }
    boxes.forEach(function (box) { box.addEventListener("change", update); });
    update();
  }
  document.querySelectorAll("form.ballot-form").forEach(setUp);
})();
