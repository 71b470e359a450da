/* orevalue web app: the editor's tabs, changed fields and TOML check; the run page's jobs
   (risk, incentives, siting: start, progress by polling /api/v1/runs/{id}, cancel). Plain
   JS, no library. */
(function () {
  "use strict";

  function api(method, path, body) {
    var opts = { method: method, headers: { "Accept": "application/json" }, credentials: "same-origin" };
    // a change is sent as JSON, even without a body: the server's CSRF guard refuses any
    // other change to /api/v1 that carries no X-CSRF-Token header
    if (body === undefined && method !== "GET") { body = {}; }
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    return fetch("/api/v1" + path, opts).then(function (r) {
      return r.json().then(function (data) { return { ok: r.ok, status: r.status, data: data }; });
    });
  }

  function message(data) {
    if (!data) { return "error"; }
    if (typeof data.detail === "string") { return data.detail; }
    if (Array.isArray(data.detail)) {
      return data.detail.map(function (e) { return (e.loc || []).join(".") + ": " + e.msg; }).join("; ");
    }
    return JSON.stringify(data);
  }

  // a field's text is its default when it is the same text or the same number (as the
  // server's service.same_value decides): "440000000" is the default "440000000.0"
  var NUMBER = /^[+-]?(\d[\d_]*)(\.\d+)?([eE][+-]?\d+)?$/;
  function sameValue(text, fallback) {
    var a = text.trim();
    if (a === fallback) { return true; }
    if (!NUMBER.test(a) || !NUMBER.test(fallback)) { return false; }
    return Number(a.replace(/_/g, "")) === Number(fallback.replace(/_/g, ""));
  }

  // ---------------------------------------------------------------- the editor
  var editor = document.getElementById("editor");
  if (editor) {
    var mode = document.getElementById("mode");
    document.querySelectorAll("[data-tab]").forEach(function (tab) {
      tab.addEventListener("click", function () {
        var which = tab.getAttribute("data-tab");
        mode.value = which;
        document.querySelectorAll("[data-tab]").forEach(function (t) {
          t.classList.toggle("on", t === tab);
        });
        document.getElementById("pane-form").classList.toggle("on", which === "form");
        document.getElementById("pane-raw").classList.toggle("on", which === "raw");
      });
    });
    editor.querySelectorAll("input[data-default]").forEach(function (input) {
      input.addEventListener("input", function () {
        var row = input.closest("tr");
        row.classList.toggle("changed", !sameValue(input.value, input.getAttribute("data-default")));
      });
    });
    var check = document.getElementById("check");
    check.addEventListener("click", function () {
      var out = document.getElementById("check-result");
      var name = document.getElementById("name").value || "scenario";
      out.textContent = "checking…";
      api("POST", "/validate", { toml: document.getElementById("toml").value, name: name })
        .then(function (res) {
          if (!res.ok) { out.textContent = message(res.data); return; }
          out.textContent = res.data.length ? res.data.map(function (p) { return p.text; }).join("\n")
            : "loads without problems";
          out.className = res.data.length ? "error" : "ok";
        });
    });
  }

  // ---------------------------------------------------------------- the run page
  // a job form starts a background job (risk, incentives, siting) on the run's scenario and
  // opens the new run's page, which shows its progress
  function number(form, name) {
    var input = form.querySelector("[name=" + name + "]");
    if (!input || input.value === "") { return undefined; }
    return Number(input.value);
  }
  document.querySelectorAll("form.job-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var err = form.querySelector(".job-error");
      err.textContent = "";
      var kind = form.getAttribute("data-job");
      var scenario = form.getAttribute("data-scenario");
      var body = { name: form.getAttribute("data-name") || "scenario" };
      if (kind === "risk") {
        body.samples = number(form, "samples");
        body.seed = number(form, "seed");
      } else if (kind === "incentives") {
        body.target_irr_pct = number(form, "target_irr_pct");
        body.min_dscr = number(form, "min_dscr");
      }
      if (scenario) { body.scenario_id = parseInt(scenario, 10); }
      else { body.toml = document.getElementById("run-toml").value; }
      api("POST", "/" + kind, body).then(function (res) {
        if (!res.ok) { err.textContent = message(res.data); return; }
        window.location.href = "/runs/" + res.data.id;
      });
    });
  });

  var job = document.getElementById("job");
  if (job) {
    var runId = job.getAttribute("data-run");
    var bar = document.getElementById("progress");
    var pct = document.getElementById("pct");
    var status = document.getElementById("status");
    var poll = function () {
      api("GET", "/runs/" + runId).then(function (res) {
        if (!res.ok) { return; }
        var p = Math.round(100 * res.data.progress);
        bar.value = p;
        pct.textContent = p + " %";
        status.textContent = res.data.status;
        if (res.data.status === "done" || res.data.status === "failed") {
          job.setAttribute("data-finished", res.data.status);
          pct.textContent = p + " % · " + res.data.status + ": loading the results…";
          window.setTimeout(function () { window.location.reload(); }, 1000);
        } else {
          window.setTimeout(poll, 300);
        }
      });
    };
    window.setTimeout(poll, 300);
    document.getElementById("cancel").addEventListener("click", function () {
      var button = document.getElementById("cancel");
      button.disabled = true;
      api("POST", "/runs/" + runId + "/cancel").then(function (res) {
        if (!res.ok) { button.disabled = false; pct.textContent += " · cannot cancel: " + message(res.data); }
      });
    });
  }
})();
