// deploy/Dockerfile without a Docker engine: the file passes a Dockerfile validator, the build
// context (Dockerfile.dockerignore) holds what the Maven build reads and nothing else, and the
// stages are what they claim (JDK build with the wrapper, JRE runtime, non-root, one entry point).
// built.test.mjs runs the image's layout once the CLI is built.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import dockerignore from "@balena/dockerignore";
import { validate as lintDockerfile } from "dockerfile-utils";
import { dockerfileText, execForm, last, stages } from "./dockerfile.mjs";
import { deploy, repo, run, runOk } from "./lib.mjs";

const ignore = dockerignore({ ignorecase: false }).add(
  readFileSync(path.join(deploy, "Dockerfile.dockerignore"), "utf8"),
);
const inContext = (file) => !ignore.ignores(file);

/** The reactor's modules, from the root POM. */
const modules = [...readFileSync(path.join(repo, "pom.xml"), "utf8").matchAll(/<module>([^<]+)<\/module>/g)]
  .map((m) => m[1]);

/** Files git knows (tracked, or new and not ignored): what a clean checkout would hold. */
const files = runOk("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: repo })
  .split("\n")
  .filter((f) => f !== "" && existsSync(path.join(repo, f)));

test("the Dockerfile passes dockerfile-utils' validator", () => {
  const problems = lintDockerfile(dockerfileText()).map(
    (d) => `line ${d.range.start.line + 1}: ${d.message}`,
  );
  assert.deepEqual(problems, []);
});

test("the validator flags a broken Dockerfile (the check can fail)", () => {
  const broken = dockerfileText()
    .replace("WORKDIR /src\n", "WORKDIR /src\nCOPY onlyone\n")
    .replace("USER 10001:10001", "USR 10001:10001");
  const messages = lintDockerfile(broken).map((d) => d.message);
  assert.ok(messages.includes("COPY requires at least two arguments"), messages.join("\n"));
  assert.ok(messages.some((m) => /Unknown instruction: USR/.test(m)), messages.join("\n"));
});

test("two stages: the Maven wrapper on a JDK 17, the CLI on a JRE 17 as a non-root user", () => {
  const [build, runtime, ...more] = stages();
  assert.deepEqual(more, []);
  assert.match(build.from, /^eclipse-temurin:17-jdk/);
  assert.match(runtime.from, /^eclipse-temurin:17-jre/);
  const mvn = build.instructions.find((i) => i.keyword === "RUN" && i.args.includes("./mvnw"));
  assert.ok(mvn, "the build stage runs ./mvnw");
  assert.ok(mvn.args.includes("package"));
  const user = last(runtime, "USER");
  assert.match(user, /^[1-9]\d*:[1-9]\d*$/, "a numeric non-root user, so runAsNonRoot can check it");
  assert.deepEqual(execForm(runtime, "ENTRYPOINT"), ["/opt/streamperf/bin/streamperf"]);
  const fromBuild = runtime.instructions.filter((i) => i.keyword === "COPY" && i.flags.has("from"));
  assert.ok(fromBuild.length > 0);
  for (const copy of fromBuild) {
    assert.equal(copy.flags.get("from"), build.name);
    assert.ok(copy.args[0].startsWith(`${last(build, "WORKDIR")}/cli/target/`), copy.args[0]);
  }
});

test("the build context holds the Maven build's inputs and nothing else", () => {
  assert.ok(modules.includes("schemas") && modules.includes("cli"), `modules in pom.xml: ${modules}`);
  const expected = (file) =>
    ["mvnw", "pom.xml", ".mvn/wrapper/maven-wrapper.properties", "deploy/docker/streamperf"].includes(
      file,
    ) ||
    file.startsWith("build-support/") ||
    modules.some((m) => file === `${m}/pom.xml` || file.startsWith(`${m}/src/`));
  const missing = files.filter((f) => expected(f) && !inContext(f));
  const extra = files.filter((f) => !expected(f) && inContext(f));
  assert.deepEqual(missing, [], "needed by the build but left out of the context");
  assert.deepEqual(extra, [], "in the context but not needed by the build");
  for (const junk of ["cli/target/streamperf.jar", "deploy/test/node_modules/yaml/package.json", ".git/HEAD"]) {
    assert.equal(inContext(junk), false, junk);
  }
});

test("every COPY from the build context names files in the context", () => {
  for (const stage of stages()) {
    for (const copy of stage.instructions.filter((i) => i.keyword === "COPY" && !i.flags.has("from"))) {
      for (const source of copy.args.slice(0, -1)) {
        if (source === ".") {
          continue;
        }
        assert.ok(existsSync(path.join(repo, source)), `COPY ${source}: no such file`);
        assert.ok(inContext(source), `COPY ${source}: excluded by Dockerfile.dockerignore`);
      }
    }
  }
});

test("the entry point passes shellcheck", () => {
  const { status, stdout, stderr } = run("shellcheck", ["-s", "sh", path.join(deploy, "docker/streamperf")]);
  assert.equal(status, 0, `${stdout}${stderr}`);
});

test("the entry point sets the Java options the ./streamperf script sets", () => {
  const option = (file) => {
    const m = /-Dorg\.apache\.avro\.SERIALIZABLE_PACKAGES=(\S+)/.exec(readFileSync(file, "utf8"));
    assert.ok(m, `${file} does not set org.apache.avro.SERIALIZABLE_PACKAGES`);
    return m[1];
  };
  const pom = /<avro\.trusted\.packages>([^<]+)</.exec(readFileSync(path.join(repo, "pom.xml"), "utf8"));
  assert.equal(option(path.join(deploy, "docker/streamperf")), option(path.join(repo, "streamperf")));
  assert.equal(option(path.join(deploy, "docker/streamperf")), pom[1]);
});
