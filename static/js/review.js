// Review queue keyboard shortcuts: j/k (or arrows) move between drafts, v verify, r reject,
// s reassign the speaker, e edit, x tick, o open in the article. Documented on the page.
(function () {
  "use strict";
  var form = document.getElementById("review-form");
  if (!form) return;
  var rows = Array.prototype.slice.call(form.querySelectorAll(".review-row"));
  var position = document.getElementById("review-position");

  function current() {
    return document.activeElement && document.activeElement.closest ? document.activeElement.closest(".review-row") : null;
  }
  function focusRow(index) {
    if (!rows.length) return;
    var row = rows[Math.max(0, Math.min(rows.length - 1, index))];
    row.focus();
    row.scrollIntoView({ block: "nearest" });
  }
  function act(row, key) {
    var control = row.querySelector('[data-key="' + key + '"]');
    if (!control) return;
    // After the page reloads, the focus goes to the row now at this place: the next draft.
    position.value = row.dataset.position;
    control.click();
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var tag = event.target.tagName;
    if (tag === "INPUT" && event.target.type !== "checkbox" || tag === "TEXTAREA" || tag === "SELECT") return;
    var row = current();
    var index = row ? rows.indexOf(row) : -1;
    switch (event.key) {
      case "j": case "ArrowDown": focusRow(index + 1); break;
      case "k": case "ArrowUp": focusRow(index - 1); break;
      case "v": case "r": case "s": case "e": if (row) act(row, event.key); else return; break;
      case "x": if (row) { var box = row.querySelector('input[type="checkbox"]'); box.checked = !box.checked; } else return; break;
      case "o": if (row) row.querySelector(".review-open").click(); else return; break;
      default: return;
    }
    event.preventDefault();
  });

  form.addEventListener("submit", function (event) {
    var row = event.submitter && event.submitter.closest(".review-row");
    if (row && !position.value) position.value = row.dataset.position;
  });

  var focus = parseInt(new URLSearchParams(window.location.search).get("focus"), 10);
  focusRow(isNaN(focus) ? 0 : focus);
})();
