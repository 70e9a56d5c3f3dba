// The map of the events (map page and the timeline's panel): Leaflet over an offline basemap.
// The basemap is Natural Earth's country borders (world-atlas TopoJSON, served from this site)
// drawn as vector layers: there is no tile server, and no request leaves the site.
// The points come from /api/map/ with the page's own query string (the timeline's filters).
(function () {
  "use strict";
  var element = document.getElementById("event-map");
  var status = document.getElementById("map-status");
  if (!element || !window.L || !window.topojson || !window.fetch) return;

  // Escalations by colour (the seeded ones; any other escalation, or none, is grey).
  var COLOURS = {
    "2020-war": "#b2182b",
    "2022-clashes": "#ef8a62",
    "2022-2023-blockade": "#7b3294",
    "2023-offensive": "#2166ac"
  };
  var OTHER = "#555555";

  var map = L.map(element, {
    attributionControl: false,
    minZoom: 4,
    maxZoom: 14,
    zoomSnap: 0.5,
    worldCopyJump: false,
    preferCanvas: false
  });
  map.fitBounds([[38.3, 43.4], [41.9, 50.9]]);

  function say(text) {
    if (status) status.textContent = text;
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (response) {
      if (!response.ok) {
        return response.json().then(function (body) {
          var messages = Object.keys(body).map(function (key) { return key + ": " + [].concat(body[key]).join(" "); });
          throw new Error(messages.join("; ") || String(response.status));
        });
      }
      return response.json();
    });
  }

  var basemap = getJSON(element.dataset.basemap).then(function (topology) {
    var countries = topojson.feature(topology, topology.objects.countries);
    L.geoJSON(countries, {
      interactive: false,
      style: function () {
        return { color: "#7a7a7a", weight: 1, fillColor: "#f2efe9", fillOpacity: 1 };
      }
    }).addTo(map);
    element.classList.add("basemap-ready");
  });

  function radius(fatalities) {
    return fatalities ? Math.min(22, 6 + 2.5 * Math.sqrt(fatalities)) : 6;
  }

  // A point is a place: its latest event (a link to it on the timeline) and, when it holds
  // more, a link to the timeline of all of them (the same filters, at this place).
  function popup(properties) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = properties.event.url;
    link.className = "map-event-link";
    link.textContent = properties.event.title;
    box.appendChild(link);
    var details = document.createElement("p");
    details.textContent = properties.event.date + " · " + properties.place + " · " + properties.precision +
      (properties.fatalities != null ? " · " + properties.fatalities + " killed" : "");
    box.appendChild(details);
    if (properties.events > 1) {
      var all = document.createElement("a");
      all.href = properties.url;
      all.className = "map-place-link";
      all.textContent = "All " + properties.events + " events here";
      box.appendChild(all);
    }
    return box;
  }

  var points = getJSON(element.dataset.points).then(function (collection) {
    var clusters = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
    var n = 0;
    collection.features.forEach(function (feature) {
      var p = feature.properties;
      n += p.events;
      var c = feature.geometry.coordinates;
      var marker = L.circleMarker([c[1], c[0]], {
        radius: radius(p.fatalities),
        color: "#ffffff",
        weight: 1.5,
        fillColor: COLOURS[p.escalation] || OTHER,
        fillOpacity: 0.85,
        className: "event-marker place-" + feature.id + " event-" + p.event.id
      });
      marker.bindPopup(function () { return popup(p); });
      clusters.addLayer(marker);
    });
    map.addLayer(clusters);
    var places = collection.features.length;
    say(n + " event" + (n === 1 ? "" : "s") + " on the map, at " + places + " place" + (places === 1 ? "" : "s") +
      (collection.truncated ? " (the newest; more match the filters)" : "") + ".");
    element.dataset.points_loaded = String(n);
  });

  Promise.all([basemap, points]).then(function () {
    element.classList.add("map-ready");
  }).catch(function (error) {
    say("The map could not be drawn: " + (error && error.message ? error.message : String(error)));
    if (window.console) console.error(error && error.stack ? error.stack : error);
    element.classList.add("map-failed");
  });
})();
