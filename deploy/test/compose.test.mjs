// deploy/docker-compose.yml: valid for docker-compose (with and without the gpu profile), and the
// properties a user relies on: workers scale, components start in order, ports and drain agree.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import {
  composeConfig,
  composeFile,
  composeSeconds,
  deploy,
  env,
  flag,
  isoSeconds,
  repo,
} from "./lib.mjs";

const streamperfServices = (config) =>
  Object.entries(config.services).filter(([, s]) => s.image === env("STREAMPERF_IMAGE"));

// docker-compose 1.29 prints ports and volumes in their short forms; later versions in the long.
const hostIp = (port) => (typeof port === "string" ? port.split(":")[0] : port.host_ip);
const mountMap = (volumes) =>
  new Map(
    volumes.map((v) => {
      if (typeof v !== "string") {
        return [v.target, v.source];
      }
      const [source, target] = v.split(":");
      return [target, source];
    }),
  );

const argv = (service) =>
  Array.isArray(service.command) ? service.command : service.command.trim().split(/\s+/);

test("docker-compose accepts the file, every variable set by deploy/.env", () => {
  for (const profiles of [[], ["gpu"]]) {
    const { status, stderr } = composeConfig(composeFile, profiles);
    assert.equal(status, 0, `docker-compose config (profiles ${profiles}) failed:\n${stderr}`);
    assert.doesNotMatch(stderr, /variable is not set/, `profiles ${profiles}:\n${stderr}`);
  }
});

test("docker-compose refuses an invalid file (the check can fail)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "streamperf-compose-"));
  copyFileSync(path.join(deploy, ".env"), path.join(dir, ".env"));
  const broken = readFileSync(composeFile, "utf8").replace(
    "  evaluator:\n    <<: *streamperf-component\n",
    "  evaluator:\n    <<: *streamperf-component\n    restart_policy: sometimes\n",
  );
  assert.notEqual(broken, readFileSync(composeFile, "utf8"), "the evaluator service moved");
  const file = path.join(dir, "docker-compose.yml");
  writeFileSync(file, broken);
  const { status, stderr } = composeConfig(file);
  assert.notEqual(status, 0, "docker-compose accepted an unknown service property");
  assert.match(stderr, /restart_policy/);
});

test("request workers scale: no container name, no host port", () => {
  const worker = composeConfig().config.services["request-worker"];
  assert.equal(worker.container_name, undefined);
  assert.equal(worker.ports, undefined);
  assert.equal(worker.deploy?.replicas, undefined, "a fixed replica count defeats --scale");
});

test("the streamperf services run one image and wait for the topics", () => {
  const { config } = composeConfig();
  const services = streamperfServices(config);
  const names = services.map(([name]) => name).sort();
  assert.deepEqual(names, [
    "evaluator",
    "metrics",
    "producer",
    "request-worker",
    "simulator",
    "topics",
  ]);
  for (const [name, service] of services) {
    assert.equal(service.build?.dockerfile, "deploy/Dockerfile", name);
    assert.equal(path.resolve(service.build.context), repo, name);
    const needsTopics = !["topics", "simulator"].includes(name);
    if (needsTopics) {
      assert.equal(
        service.depends_on?.topics?.condition,
        "service_completed_successfully",
        `${name} must start after the topics exist`,
      );
      assert.equal(service.depends_on?.["schema-registry"]?.condition, "service_healthy", name);
    }
  }
  assert.equal(config.services.topics.depends_on.kafka.condition, "service_healthy");
  assert.equal(config.services.topics.restart, "no");
  assert.equal(config.services.producer.restart, "no", "a finished run must not start again");
});

test("every component connects to the compose cluster with one topic prefix", () => {
  const { config } = composeConfig();
  for (const [name, service] of streamperfServices(config)) {
    if (name === "simulator") {
      continue;
    }
    const args = argv(service);
    assert.equal(flag(args, "--bootstrap-servers"), "kafka:9092", name);
    assert.equal(flag(args, "--topic-prefix"), env("STREAMPERF_TOPIC_PREFIX"), name);
    if (name !== "topics") {
      assert.equal(flag(args, "--schema-registry-url"), "http://schema-registry:8081", name);
    }
  }
});

test("the default run asks for the model the simulator serves", () => {
  const { config } = composeConfig();
  assert.equal(
    flag(argv(config.services.producer), "--model"),
    flag(argv(config.services.simulator), "--sim-model"),
  );
});

test("ports agree: .env, the commands, and Prometheus' scrape targets", () => {
  const { config } = composeConfig();
  const prometheus = parseYaml(readFileSync(path.join(deploy, "prometheus/prometheus.yml"), "utf8"));
  const scrapePort = (job, host) => {
    const sd = prometheus.scrape_configs.find((c) => c.job_name === job)?.dns_sd_configs?.[0];
    assert.ok(sd, `prometheus.yml has no DNS-discovered job ${job}`);
    assert.deepEqual(sd.names, [host], job);
    assert.ok(config.services[host], `job ${job} scrapes ${host}, which is not a compose service`);
    return String(sd.port);
  };
  const workerPort = env("STREAMPERF_WORKER_METRICS_PORT");
  assert.equal(flag(argv(config.services["request-worker"]), "--metrics-port"), workerPort);
  assert.equal(scrapePort("streamperf-worker", "request-worker"), workerPort);
  assert.deepEqual(config.services["request-worker"].expose.map(String), [workerPort]);

  const metricsPort = env("STREAMPERF_METRICS_PORT");
  assert.equal(flag(argv(config.services.metrics), "--http-port"), metricsPort);
  assert.equal(scrapePort("streamperf-metrics", "metrics"), metricsPort);

  const simulatorPort = env("STREAMPERF_SIMULATOR_PORT");
  assert.equal(flag(argv(config.services.simulator), "--sim-port"), simulatorPort);
  assert.equal(scrapePort("streamperf-simulator", "simulator"), simulatorPort);
  assert.equal(env("STREAMPERF_URL"), `http://simulator:${simulatorPort}`);

  const gpu = composeConfig(composeFile, ["gpu"]).config;
  assert.ok(gpu.services.vllm.command.includes(`--port=${env("VLLM_PORT")}`));
  assert.equal(String(scrapePort("vllm", "vllm")), env("VLLM_PORT"));
});

test("compose waits longer than the worker's drain before it kills a worker", () => {
  const worker = composeConfig().config.services["request-worker"];
  const drain = Number(flag(argv(worker), "--drain-timeout-seconds"));
  const grace = composeSeconds(worker.stop_grace_period);
  assert.ok(drain + 10 <= grace, `drain ${drain} s must end 10 s before SIGKILL at ${grace} s`);
});

test("host ports are published on the configured address only", () => {
  const { config } = composeConfig();
  for (const [name, service] of Object.entries(config.services)) {
    for (const port of service.ports ?? []) {
      assert.equal(hostIp(port), env("STREAMPERF_BIND_ADDRESS"), `${name} ${JSON.stringify(port)}`);
    }
  }
});

test("the gpu profile adds vLLM serving a vision-language model on reserved NVIDIA GPUs", () => {
  // Only vLLM is in a profile: a plain `up` starts everything else and never asks for a GPU.
  const plain = composeConfig().config;
  for (const [name, service] of Object.entries(plain.services)) {
    assert.deepEqual(service.profiles ?? [], name === "vllm" ? ["gpu"] : [], name);
  }
  const { config } = composeConfig(composeFile, ["gpu"]);
  const vllm = config.services.vllm;
  assert.deepEqual(vllm.profiles, ["gpu"]);
  assert.deepEqual(vllm.deploy.resources.reservations.devices, [
    { driver: "nvidia", count: "all", capabilities: ["gpu"] },
  ]);
  assert.equal(vllm.command[0], env("VLLM_MODEL"));
  assert.match(env("VLLM_MODEL"), /-VL-|vision|llava|pixtral|gemma-3/i);
  const limit = flag(vllm.command, "--limit-mm-per-prompt");
  assert.ok(JSON.parse(limit).image >= 1, `--limit-mm-per-prompt ${limit} allows no image`);
});

test("Grafana provisions the compose Prometheus and the repository's dashboards", () => {
  const { config } = composeConfig();
  const grafana = config.services.grafana;
  const mounts = mountMap(grafana.volumes);
  assert.equal(mounts.get("/etc/grafana/provisioning"), path.join(repo, "grafana/provisioning"));
  const datasources = parseYaml(
    readFileSync(path.join(repo, "grafana/provisioning/datasources/prometheus.yml"), "utf8"),
  );
  const [prometheus] = datasources.datasources;
  assert.equal(prometheus.type, "prometheus");
  assert.equal(prometheus.uid, "prometheus");
  assert.equal(prometheus.url, "http://prometheus:9090");
  assert.ok(config.services.prometheus.command.includes("--config.file=/etc/prometheus/prometheus.yml"));
  const scrape = parseYaml(readFileSync(path.join(deploy, "prometheus/prometheus.yml"), "utf8"));
  assert.equal(prometheus.jsonData.timeInterval, scrape.global.scrape_interval);

  const dashboards = parseYaml(
    readFileSync(path.join(repo, "grafana/provisioning/dashboards/streamperf.yml"), "utf8"),
  );
  const [provider] = dashboards.providers;
  assert.equal(provider.type, "file");
  assert.equal(mounts.get(provider.options.path), path.join(repo, "grafana/dashboards"));
});
