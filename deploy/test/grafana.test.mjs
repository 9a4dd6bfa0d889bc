// grafana/dashboards/*.json: valid against Grafana's dashboard schema (the dashboard model and each
// panel plugin's options, from @grafana/schema at the version of the Grafana image compose runs),
// wired to the provisioned Prometheus datasource, laid out on the grid, every template variable
// defined and used, and every PromQL expression accepted by Prometheus' own parser (promtool).
// Whether each query returns data from a real pipeline is cli's DashboardQueriesIT.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import * as grafana from "./grafana-schema.mjs";
import { env, repo, run } from "./lib.mjs";

const dashboardsDir = path.join(repo, "grafana/dashboards");
const files = readdirSync(dashboardsDir)
  .filter((name) => name.endsWith(".json"))
  .sort();
const dashboards = files.map((name) => ({
  name,
  json: JSON.parse(readFileSync(path.join(dashboardsDir, name), "utf8")),
}));

/** Every panel, rows' collapsed children included. */
function panels(dashboard) {
  return (dashboard.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Grafana's own variables a query may use. */
const builtins = new Set([
  "__rate_interval",
  "__interval",
  "__interval_ms",
  "__range",
  "__range_s",
  "__range_ms",
  "__dashboard",
  "__from",
  "__to",
]);

/** Names of the variables a text refers to: $name, ${name} and ${name:format}. */
function variablesIn(text) {
  return [...String(text).matchAll(/\$(?:\{(\w+)(?::\w+)?\}|(\w+))/g)].map((m) => m[1] ?? m[2]);
}

/** Each text of a dashboard that Grafana interpolates, with where it is. */
function interpolated(dashboard) {
  const texts = [];
  for (const v of dashboard.templating?.list ?? []) {
    texts.push([`variable ${v.name}`, typeof v.query === "string" ? v.query : v.query?.query]);
  }
  for (const p of panels(dashboard)) {
    texts.push([`panel "${p.title}" title`, p.title]);
    for (const t of p.targets ?? []) {
      texts.push([`panel "${p.title}" ${t.refId}`, t.expr]);
      texts.push([`panel "${p.title}" ${t.refId} legend`, t.legendFormat ?? ""]);
    }
  }
  return texts;
}

/** The expression with variables replaced by sample values, as Grafana would send it. */
function substitute(expr) {
  return expr
    .replaceAll("$__rate_interval", "1m")
    .replaceAll("$__interval", "15s")
    .replaceAll("$__range", "1h")
    .replace(/\$(?:\{(\w+)(?::\w+)?\}|(\w+))/g, "sample");
}

/** A Prometheus rules file with one recording rule per expression, for promtool. */
function rulesFile(exprs) {
  const rules = exprs.map(
    (expr, i) =>
      `      - record: streamperf:dashboard_check:${i}\n` +
      `        expr: ${JSON.stringify(substitute(expr))}\n`,
  );
  return `groups:\n  - name: dashboards\n    rules:\n${rules.join("")}`;
}

function promtoolRules(exprs) {
  const dir = mkdtempSync(path.join(tmpdir(), "streamperf-grafana-"));
  const file = path.join(dir, "rules.yml");
  writeFileSync(file, rulesFile(exprs));
  return run("promtool", ["check", "rules", file]);
}

/** Layout problems: a panel outside the 24-column grid, or two panels on the same cells. */
function layoutErrors(dashboard) {
  const errors = [];
  const taken = new Map();
  for (const p of dashboard.panels ?? []) {
    const g = p.gridPos;
    if (g === undefined) {
      errors.push(`panel "${p.title}": no gridPos`);
      continue;
    }
    if (g.x < 0 || g.w < 1 || g.x + g.w > 24 || g.h < 1 || g.y < 0) {
      errors.push(`panel "${p.title}": gridPos ${JSON.stringify(g)} is off the 24-column grid`);
    }
    for (let x = g.x; x < g.x + g.w; x++) {
      for (let y = g.y; y < g.y + g.h; y++) {
        const other = taken.get(`${x},${y}`);
        if (other !== undefined) {
          errors.push(`panel "${p.title}" overlaps panel "${other}" at x=${x}, y=${y}`);
          x = g.x + g.w;
          break;
        }
        taken.set(`${x},${y}`, p.title);
      }
    }
  }
  return errors;
}

/** Wiring problems: datasource, ids, refIds, queries, variables. */
function wiringErrors(dashboard) {
  const errors = [];
  const isPrometheus = (ds) => ds?.type === "prometheus" && ds?.uid === "prometheus";
  const ids = new Set();
  const titles = new Set();
  for (const p of panels(dashboard)) {
    if (ids.has(p.id)) {
      errors.push(`panel "${p.title}": id ${p.id} is not unique`);
    }
    ids.add(p.id);
    if (titles.has(p.title)) {
      errors.push(`panel "${p.title}": another panel has this title`);
    }
    titles.add(p.title);
    if (p.type === "row") {
      continue;
    }
    if (!isPrometheus(p.datasource)) {
      errors.push(
        `panel "${p.title}": datasource ${JSON.stringify(p.datasource)}` +
          " (expected the provisioned {type: prometheus, uid: prometheus})",
      );
    }
    const targets = p.targets ?? [];
    if (targets.length === 0) {
      errors.push(`panel "${p.title}": no queries`);
    }
    const refIds = new Set();
    for (const t of targets) {
      if (typeof t.refId !== "string" || refIds.has(t.refId)) {
        errors.push(`panel "${p.title}": refId ${t.refId} missing or repeated`);
      }
      refIds.add(t.refId);
      if (typeof t.expr !== "string" || t.expr.trim() === "") {
        errors.push(`panel "${p.title}" ${t.refId}: no expr`);
      }
      if (t.datasource !== undefined && !isPrometheus(t.datasource)) {
        errors.push(`panel "${p.title}" ${t.refId}: datasource ${JSON.stringify(t.datasource)}`);
      }
    }
  }
  const defined = new Set();
  for (const v of dashboard.templating?.list ?? []) {
    defined.add(v.name);
    if (v.type === "query" && !isPrometheus(v.datasource)) {
      errors.push(`variable ${v.name}: datasource ${JSON.stringify(v.datasource)}`);
    }
  }
  const used = new Set();
  for (const [where, text] of interpolated(dashboard)) {
    for (const name of variablesIn(text)) {
      used.add(name);
      if (!defined.has(name) && !builtins.has(name)) {
        errors.push(`${where}: $${name} is not a variable of this dashboard`);
      }
    }
  }
  for (const name of defined) {
    if (!used.has(name)) {
      errors.push(`variable ${name} is used by no query`);
    }
  }
  return errors;
}

/** Schema problems of a dashboard: the model, then each panel's options and custom field config. */
function schemaErrors(dashboard) {
  const errors = grafana.validate(grafana.dashboard(), dashboard).map((e) => `dashboard ${e}`);
  for (const p of panels(dashboard)) {
    const definition = p.type === "row" ? "RowPanel" : "Panel";
    const where = `panel "${p.title}" (${p.type})`;
    errors.push(
      ...grafana.validate(grafana.dashboard(), p, definition).map((e) => `${where} ${e}`),
    );
    if (p.type === "row") {
      continue;
    }
    const plugin = grafana.panel(p.type);
    if (plugin === undefined) {
      errors.push(
        `${where}: @grafana/schema ${grafana.schemaVersion} has no schema for this panel type`,
      );
      continue;
    }
    errors.push(
      ...grafana.validate(plugin.options, p.options ?? {}).map((e) => `${where} options${e}`),
    );
    const custom = p.fieldConfig?.defaults?.custom;
    if (custom !== undefined && plugin.fieldConfig !== undefined) {
      errors.push(
        ...grafana
          .validate(plugin.fieldConfig, custom)
          .map((e) => `${where} fieldConfig.defaults.custom${e}`),
      );
    }
  }
  return errors;
}

test("there are dashboards, each with its own uid and title", () => {
  assert.ok(dashboards.length >= 3, `grafana/dashboards has ${files.join(", ")}`);
  const uids = dashboards.map((d) => d.json.uid);
  assert.equal(new Set(uids).size, uids.length, `uids repeat: ${uids}`);
  for (const { name, json } of dashboards) {
    assert.match(json.uid ?? "", /^[a-zA-Z0-9_-]{1,40}$/, `${name}: uid`);
    assert.ok(json.title, `${name}: no title`);
  }
});

test("@grafana/schema is the release of the Grafana image compose runs", () => {
  const image = env("GRAFANA_IMAGE");
  const tag = image.slice(image.lastIndexOf(":") + 1);
  assert.equal(grafana.schemaVersion, tag, `deploy/.env GRAFANA_IMAGE=${image}`);
});

for (const { name, json } of dashboards) {
  test(`${name}: valid against Grafana's dashboard and panel schemas`, () => {
    assert.deepEqual(schemaErrors(json), []);
    assert.equal(json.schemaVersion, grafana.defaultSchemaVersion(), "schemaVersion");
  });

  test(`${name}: Prometheus datasource, unique ids and titles, variables defined and used`, () => {
    assert.deepEqual(wiringErrors(json), []);
  });

  test(`${name}: panels tile the 24-column grid without overlapping`, () => {
    assert.deepEqual(layoutErrors(json), []);
  });

  test(`${name}: promtool parses every query`, () => {
    const exprs = panels(json).flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    const { status, stdout, stderr } = promtoolRules(exprs);
    assert.equal(status, 0, `${stdout}${stderr}`);
    assert.match(stdout, new RegExp(`SUCCESS: ${exprs.length} rules found`));
  });
}

test("the provisioned datasource is the one the dashboards name", () => {
  const provisioned = parseYaml(
    readFileSync(path.join(repo, "grafana/provisioning/datasources/prometheus.yml"), "utf8"),
  );
  const prometheus = provisioned.datasources.find((d) => d.type === "prometheus");
  assert.equal(prometheus?.uid, "prometheus");
});

// Each check can fail: a broken copy of a real dashboard is refused.

const sample = dashboards.find((d) => d.name.includes("overview"))?.json ?? dashboards[0].json;
const firstPanel = (d) => panels(d).find((p) => p.type === "timeseries");

test("the schema check refuses a misspelt field, a wrong type and bad panel options", () => {
  const broken = structuredClone(sample);
  broken.schemaVersion = "41";
  firstPanel(broken).gridpos = { x: 0, y: 0, w: 1, h: 1 };
  firstPanel(broken).options.legend.displayMode = "sideways";
  firstPanel(broken).fieldConfig.defaults.custom.lineWidht = 2;
  const errors = schemaErrors(broken).join("\n");
  assert.match(errors, /schemaVersion: must be number/);
  assert.match(errors, /must NOT have additional properties \(gridpos\)/);
  assert.match(errors, /options\/legend\/displayMode: must be equal to one of the allowed values/);
  assert.match(errors, /custom\/?: must NOT have additional properties \(lineWidht\)/);
});

test("the wiring check refuses an unknown variable, a datasource, a repeated id or title", () => {
  const broken = structuredClone(sample);
  const p = firstPanel(broken);
  p.targets[0].expr = 'up{run=~"$runn"}';
  p.datasource = { type: "prometheus", uid: "other" };
  panels(broken)[2].id = panels(broken)[3].id;
  panels(broken)[5].title = panels(broken)[4].title;
  const errors = wiringErrors(broken).join("\n");
  assert.match(errors, /\$runn is not a variable/);
  assert.match(errors, /datasource .*other/);
  assert.match(errors, /is not unique/);
  assert.match(errors, /another panel has this title/);
});

test("the layout check refuses overlapping panels", () => {
  const broken = structuredClone(sample);
  const [a, b] = broken.panels.filter((p) => p.type !== "row");
  b.gridPos = { ...a.gridPos };
  assert.match(layoutErrors(broken).join("\n"), /overlaps/);
});

test("promtool refuses a query that does not parse", () => {
  const { status, stdout, stderr } = promtoolRules([
    "sum by (run) (rate(streamperf_requests_total[$__rate_interval])",
  ]);
  assert.notEqual(status, 0, `${stdout}${stderr}`);
});
