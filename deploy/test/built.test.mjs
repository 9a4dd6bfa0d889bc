// Checks that need the built CLI (cli/target after `./mvnw package`, which `./mvnw verify` runs):
//  - the runtime stage of deploy/Dockerfile, laid out from its own COPY, ENV and ENTRYPOINT lines
//    into a temporary root, runs `streamperf --help` with the container JVM flags;
//  - every streamperf command line in docker-compose.yml and the rendered Kubernetes manifests is
//    accepted by the CLI's parser (no unknown option, every value converts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execForm, last, stageEnv, stages } from "./dockerfile.mjs";
import { streamperfInvocations } from "./k8s-wiring.mjs";
import {
  cliBuilt,
  composeConfig,
  env,
  kustomizations,
  render,
  repo,
  run,
} from "./lib.mjs";

// Subcommands whose components are still being written (their issues are open). Command lines for
// them are reported as to-do until the subcommand exists; from then on they are checked like the
// others, and the name should be removed here.
const pending = new Map([]);

test("the CLI is built (cli/target/streamperf.jar and lib/)", () => {
  assert.ok(cliBuilt(), "run ./mvnw -B package (or verify) first");
});

/** Lays out the runtime stage under root, mapping absolute image paths into it. */
function layOut(root) {
  const [build, runtime] = stages();
  const workdir = last(build, "WORKDIR");
  for (const copy of runtime.instructions.filter((i) => i.keyword === "COPY")) {
    const [source, target] = copy.args;
    const from = copy.flags.has("from")
      ? path.join(repo, path.relative(workdir, source))
      : path.join(repo, source);
    const to = path.join(root, target);
    if (statSync(from).isDirectory()) {
      mkdirSync(path.dirname(to), { recursive: true });
      symlinkSync(from, to.replace(/\/$/, "")); // the same tree, without copying 100+ MiB
    } else {
      mkdirSync(path.dirname(to), { recursive: true });
      copyFileSync(from, to);
      if (copy.flags.has("chmod")) {
        chmodSync(to, parseInt(copy.flags.get("chmod"), 8));
      }
    }
  }
  const imageEnv = Object.fromEntries(
    [...stageEnv(runtime)].map(([k, v]) => [k, v.startsWith("/opt/") ? path.join(root, v) : v]),
  );
  delete imageEnv.PATH;
  delete imageEnv.HOME;
  return { runtime, imageEnv };
}

test("the image's layout runs `streamperf --help` through its entry point", { skip: !cliBuilt() }, () => {
  const root = mkdtempSync(path.join(tmpdir(), "streamperf-image-"));
  const { runtime, imageEnv } = layOut(root);
  const [entrypoint] = execForm(runtime, "ENTRYPOINT");
  const cmd = execForm(runtime, "CMD");
  const result = run(path.join(root, entrypoint), cmd, {
    cwd: root,
    env: { ...process.env, ...imageEnv, STREAMPERF_JAVA_OPTS: "-XX:+PrintFlagsFinal" },
  });
  assert.equal(result.status, 0, result.stderr);
  for (const command of ["topics", "evaluator"]) {
    assert.match(result.stdout, new RegExp(`^\\s+${command}\\s`, "m"), `--help lists ${command}`);
  }
  // The container flags reached the JVM.
  assert.match(result.stdout, /MaxRAMPercentage\s*=\s*70\.0/);
  assert.match(result.stdout, /ExitOnOutOfMemoryError\s*=\s*true/);
  // Native heap trimming where this JVM has the flag, and a JVM without it still starts.
  const trims = run("java", ["-XX:TrimNativeHeapInterval=10000", "-version"]).status === 0;
  assert.match(result.stdout, trims ? /TrimNativeHeapInterval\s*=\s*10000/ : /^(?![\s\S]*TrimNative)/);
});

/** Every streamperf command line of the compose file (both profiles) and the kustomizations. */
function invocations() {
  const found = [];
  const compose = composeConfig(undefined, ["gpu"]).config;
  for (const [name, service] of Object.entries(compose.services)) {
    if (service.image === env("STREAMPERF_IMAGE")) {
      const args = Array.isArray(service.command)
        ? service.command
        : service.command.trim().split(/\s+/);
      found.push({ where: `docker-compose.yml ${name}`, args });
    }
  }
  for (const kustomization of kustomizations) {
    for (const { workload, args } of streamperfInvocations(render(kustomization))) {
      found.push({ where: `${kustomization} ${workload.kind}/${workload.metadata.name}`, args });
    }
  }
  return found;
}

/** The CLI parser's verdict on every command line: {where, args, verdict}. */
function parseAll() {
  const all = invocations();
  const input = all.map((i) => i.args.join("\u001f")).join("\n") + "\n";
  const classpath = `${path.join(repo, "cli/target/streamperf.jar")}:${path.join(repo, "cli/target/lib")}/*`;
  const result = run("java", ["-cp", classpath, path.join(repo, "deploy/test/ParseArgs.java")], {
    input,
  });
  if (result.status !== 0) {
    throw new Error(`ParseArgs failed: ${result.stderr}`);
  }
  const verdicts = result.stdout.trimEnd().split("\n");
  assert.equal(verdicts.length, all.length);
  return all.map((invocation, n) => ({ ...invocation, verdict: verdicts[n] }));
}

const parsed = cliBuilt() ? parseAll() : [];
const commands = [...new Set(parsed.map((p) => p.args[0]))].sort();

test("deploy/ runs every streamperf component", { skip: !cliBuilt() }, () => {
  assert.deepEqual(commands, ["evaluator", "metrics", "producer", "simulate", "topics", "worker"]);
});

for (const command of commands) {
  const lines = parsed.filter((p) => p.args[0] === command);
  const missing = lines.every((p) => p.verdict === `unknown-command ${command}`);
  const options =
    missing && pending.has(command)
      ? { todo: `not in the CLI yet (${pending.get(command)}); unchecked: ${lines.map((p) => p.where).join("; ")}` }
      : {};
  test(`the CLI accepts every 'streamperf ${command}' command line (${lines.length})`, options, (t) => {
    if (options.todo) {
      return;
    }
    if (pending.has(command)) {
      t.diagnostic(`'${command}' exists now: remove it from the pending list in built.test.mjs`);
    }
    const refused = lines.filter((p) => p.verdict !== "ok").map((p) => `${p.where}: ${p.verdict}`);
    assert.deepEqual(refused, []);
  });
}
