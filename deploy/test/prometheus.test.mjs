// deploy/prometheus/prometheus.yml: valid for Prometheus' own checker (promtool, Debian's
// prometheus package), which refuses a broken file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { deploy, run } from "./lib.mjs";

const config = path.join(deploy, "prometheus/prometheus.yml");

test("promtool accepts the Prometheus configuration", () => {
  const { status, stdout, stderr } = run("promtool", ["check", "config", config]);
  assert.equal(status, 0, `${stdout}${stderr}`);
  assert.match(stdout, /SUCCESS/);
});

test("promtool refuses a broken configuration (the check can fail)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "streamperf-prometheus-"));
  const broken = path.join(dir, "prometheus.yml");
  writeFileSync(
    broken,
    readFileSync(config, "utf8").replace("type: A\n", "type: AAAAA\n"),
  );
  const { status, stderr } = run("promtool", ["check", "config", broken]);
  assert.notEqual(status, 0, "promtool accepted an invalid DNS record type");
  assert.match(stderr, /AAAAA|invalid/i);
});
