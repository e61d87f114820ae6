// The what-if page in the browser: sliders and exact values kept in step, lever changes sent to the
// server as one list of PATH=VALUE settings, messages beside the field, and reloads for a new scenario
// or language. The server owns the figures; this file only moves values.
(function () {
  "use strict";
  var sent = 0;

  function levers() { return Array.prototype.slice.call(document.querySelectorAll(".lever")); }

  function valueOf(lever) { return lever.querySelector(".lever-value").value.trim(); }

  function settings() {
    var out = [];
    levers().forEach(function (lever) {
      var v = valueOf(lever);
      if (v !== lever.dataset.written && lever.dataset.bad !== "1") out.push(lever.dataset.path + "=" + v);
    });
    var extra = document.getElementById("levers").dataset.extra;
    return out.concat(extra ? JSON.parse(extra) : []);
  }

  function send(lever) {
    if (!window.Shiny || !Shiny.setInputValue) return;
    delete lever.dataset.bad;
    sent += 1;
    Shiny.setInputValue("levers", { sets: settings(), changed: lever.dataset.path, n: sent }, { priority: "event" });
  }

  function shown(lever, number) {
    var step = parseFloat(lever.querySelector(".lever-range").step) || 1;
    var decimals = step >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(step)) + 1);
    return String(parseFloat(number.toFixed(decimals)));
  }

  function bind(lever) {
    var range = lever.querySelector(".lever-range");
    var text = lever.querySelector(".lever-value");
    var pin = lever.querySelector(".lever-pin");
    if (range) {
      range.addEventListener("input", function () {
        text.value = shown(lever, parseFloat(range.value));
        if (pin && !pin.checked) pin.checked = true;
      });
      range.addEventListener("change", function () { send(lever); });
    }
    text.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); text.blur(); } });
    text.addEventListener("change", function () {
      var x = Number(text.value.trim());
      if (range && text.value.trim() !== "" && isFinite(x)) range.value = String(x);
      if (pin) pin.checked = text.value.trim() !== lever.dataset.written;
      send(lever);
    });
    if (pin) {
      pin.addEventListener("change", function () {
        text.value = pin.checked ? shown(lever, parseFloat(lever.dataset.mean)) : lever.dataset.written;
        if (range) range.value = lever.dataset.mean;
        send(lever);
      });
    }
  }

  function query(changes) {
    var q = new URLSearchParams(window.location.search);
    Object.keys(changes).forEach(function (k) {
      if (changes[k] === null) q.delete(k); else q.set(k, changes[k]);
    });
    return "?" + q.toString();
  }

  function showRegion(region) {
    document.querySelectorAll(".lever-group").forEach(function (g) {
      g.hidden = region !== "" && g.dataset.region !== "" && g.dataset.region !== region;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    levers().forEach(bind);
    var scenario = document.getElementById("scenario-select");
    if (scenario) scenario.addEventListener("change", function () {
      window.location.search = query({ scenario: scenario.value, set: null, region: null });
    });
    var lang = document.getElementById("lang-toggle");
    if (lang) lang.addEventListener("click", function () { window.location.search = query({ lang: lang.dataset.lang }); });
    var region = document.getElementById("region-select");
    if (region) {
      showRegion(region.value);
      region.addEventListener("change", function () {
        showRegion(region.value);
        if (window.Shiny) Shiny.setInputValue("region", region.value, { priority: "event" });
      });
    }
  });

  $(document).on("shiny:connected", function () {
    Shiny.addCustomMessageHandler("sim-lever", function (msg) {
      document.querySelectorAll(".lever").forEach(function (lever) {
        if (lever.dataset.path !== msg.path) return;
        lever.querySelector(".lever-error").textContent = msg.message;
        if (msg.message) lever.dataset.bad = "1"; else delete lever.dataset.bad;
      });
    });
    // The optimise panel's best allocation, put into the levers and sent as one change.
    Shiny.addCustomMessageHandler("sim-apply", function (msg) {
      var last = null;
      levers().forEach(function (lever) {
        var v = msg.values[lever.dataset.path];
        if (v === undefined) return;
        lever.querySelector(".lever-value").value = v;
        var range = lever.querySelector(".lever-range");
        if (range) range.value = v;
        var pin = lever.querySelector(".lever-pin");
        if (pin) pin.checked = true;
        last = lever;
      });
      if (last) send(last);
    });
  });
})();
