// Timeline enhancement: "Later entries" loads the next page in place instead of navigating.
// Without JavaScript the link is an ordinary link to the next page (keyset cursor `after`).
(function () {
  "use strict";
  var container = document.getElementById("timeline-entries");
  if (!container || !window.fetch || !window.DOMParser) return;

  container.addEventListener("click", function (event) {
    var link = event.target.closest("a.load-more");
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    if (link.getAttribute("aria-busy") === "true") return;
    link.setAttribute("aria-busy", "true");
    var url = new URL(link.href, window.location.href);
    url.searchParams.set("fragment", "entries");
    fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString("<div>" + html + "</div>", "text/html").body.firstChild;
        var nav = link.closest("nav");
        var bands = page.querySelectorAll("section.band");
        var last = container.querySelectorAll("section.band");
        last = last[last.length - 1];
        var firstNew = null;
        bands.forEach(function (band, index) {
          // The page may start in the band the previous one ended in: continue that band.
          if (index === 0 && last && last.dataset.band === band.dataset.band) {
            var items = band.querySelectorAll(".entries > li");
            var list = last.querySelector(".entries");
            items.forEach(function (item) { list.appendChild(item); });
            firstNew = firstNew || items[0];
          } else {
            container.insertBefore(band, nav);
            firstNew = firstNew || band;
          }
        });
        var nextNav = page.querySelector("nav.pagination");
        if (nextNav) nav.replaceWith(nextNav); else nav.remove();
        if (firstNew) {
          var target = firstNew.querySelector("article.entry") || firstNew;
          target.setAttribute("tabindex", "-1");
          target.focus({ preventScroll: true });
        }
      })
      .catch(function () { window.location.href = link.href; });
  });
})();
