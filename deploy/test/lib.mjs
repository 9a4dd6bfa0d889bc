// Shared helpers of the deploy checks: paths, running tools, reading deploy/.env, rendering the
// compose file and the kustomizations.
import { spawnSync } from "node:child_process";
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments, parse as parseYaml } from "yaml";

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const deploy = path.join(repo, "deploy");
export const composeFile = path.join(deploy, "docker-compose.yml");
export const kubernetes = path.join(deploy, "kubernetes");

/** The kustomizations a user applies, and the base they share. */
export const kustomizations = ["base", "overlays/dev", "overlays/production"];

/** Runs a command; returns {status, stdout, stderr}. Throws only when it cannot start. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    encoding: "utf8",
    maxBuffer: 64 << 20,
    ...options,
  });
  if (result.error) {
    throw new Error(`${command}: cannot run (${result.error.message})`);
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a command that must succeed; returns its standard output. */
export function runOk(command, args, options = {}) {
  const result = run(command, args, options);
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")}: exit ${result.status}\n${result.stderr}${result.stdout}`,
    );
  }
  return result.stdout;
}

/** Whether a tool is on the PATH. */
export function hasTool(name) {
  return run("sh", ["-c", `command -v ${name}`]).status === 0;
}

/** deploy/.env as a map (the compose defaults). */
export function dotenv() {
  const values = new Map();
  readFileSync(path.join(deploy, ".env"), "utf8")
    .split("\n")
    .forEach((line, index) => {
      const trimmed = line.trim();
      if (trimmed === "" || trimmed.startsWith("#")) {
        return;
      }
      const eq = trimmed.indexOf("=");
      if (eq <= 0) {
        throw new Error(`deploy/.env:${index + 1}: not KEY=VALUE: ${line}`);
      }
      values.set(trimmed.slice(0, eq), trimmed.slice(eq + 1));
    });
  return values;
}

/** A value of deploy/.env that must be there. */
export function env(name) {
  const value = dotenv().get(name);
  if (value === undefined) {
    throw new Error(`deploy/.env: ${name} missing`);
  }
  return value;
}

/**
 * `docker-compose config` of a compose file (with the given profiles), parsed. Variables set in
 * this process's environment would override deploy/.env, so the check runs without them.
 */
export function composeConfig(file = composeFile, profiles = []) {
  const key = JSON.stringify([file, profiles]);
  if (!composeCache.has(key)) {
    const args = ["-f", file, ...profiles.flatMap((p) => ["--profile", p]), "config"];
    const result = run("docker-compose", args, { env: cleanComposeEnv() });
    composeCache.set(key, {
      ...result,
      config: result.status === 0 ? parseYaml(result.stdout) : undefined,
    });
  }
  return structuredClone(composeCache.get(key));
}

const composeCache = new Map();

function cleanComposeEnv() {
  const keys = new Set(dotenv().keys());
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !keys.has(k) && k !== "HF_TOKEN"),
  );
}

/** `kubectl kustomize DIR`, parsed into objects. */
export function render(dir) {
  const out = runOk("kubectl", ["kustomize", path.join(kubernetes, dir)]);
  return parseAllDocuments(out).map((doc) => {
    if (doc.errors.length > 0) {
      throw new Error(`${dir}: rendered YAML does not parse: ${doc.errors[0].message}`);
    }
    return doc.toJS();
  });
}

/** The pod template's spec of a workload, or undefined for other kinds. */
export function podSpec(object) {
  if (object.kind === "Deployment" || object.kind === "Job" || object.kind === "StatefulSet") {
    return object.spec.template.spec;
  }
  return undefined;
}

/** Parses an ISO-8601 duration of the form PTnHnMnS (what streamperf's flags take) into seconds. */
export function isoSeconds(text) {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(text);
  if (!m || text === "PT") {
    throw new Error(`not an ISO-8601 time duration: ${text}`);
  }
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** Parses a compose duration (90s, 1m30s, 2m) into seconds. */
export function composeSeconds(text) {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!m || text === "") {
    throw new Error(`not a compose duration: ${text}`);
  }
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** The value of `--name=value` in an argument list, or undefined. */
export function flag(args, name) {
  const prefix = `${name}=`;
  const hit = args.find((a) => a.startsWith(prefix));
  return hit === undefined ? undefined : hit.slice(prefix.length);
}

/** The built CLI (cli/target/streamperf.jar and lib/), if there is one. */
export const cliJar = path.join(repo, "cli/target/streamperf.jar");
export const cliBuilt = () => existsSync(cliJar) && existsSync(path.join(repo, "cli/target/lib"));
