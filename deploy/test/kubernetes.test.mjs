// deploy/kubernetes: every kustomization renders with kustomize (kubectl kustomize), every object
// is valid for the API server (schemas and strict fields), and the wiring a user relies on holds:
// references resolve, the autoscaler watches the workers' group, drains end before SIGKILL.
import { test } from "node:test";
import assert from "node:assert/strict";
import { validate } from "./k8s-validate.mjs";
import { env, flag, isoSeconds, kustomizations, podSpec, render } from "./lib.mjs";
import { externalSecrets, find, streamperfInvocations } from "./k8s-wiring.mjs";

const rendered = new Map(kustomizations.map((k) => [k, render(k)]));

for (const [name, objects] of rendered) {
  test(`${name}: every object is valid for the Kubernetes API (schema and strict fields)`, async () => {
    assert.ok(objects.length > 0);
    const errors = (await Promise.all(objects.map(validate))).flat();
    assert.deepEqual(errors, []);
  });

  test(`${name}: every $(VAR), ConfigMap and Secret a pod uses resolves`, () => {
    const invocations = streamperfInvocations(objects);
    assert.ok(invocations.length >= 4, "topics, worker, metrics and evaluator at least");
    for (const workload of objects) {
      for (const volume of podSpec(workload)?.volumes ?? []) {
        if (volume.secret) {
          const rendered = find(objects, "Secret", volume.secret.secretName);
          const keys = rendered
            ? Object.keys(rendered.data ?? {})
            : externalSecrets.get(volume.secret.secretName);
          assert.ok(keys, `volume secret ${volume.secret.secretName} unknown`);
          for (const item of volume.secret.items ?? []) {
            assert.ok(keys.includes(item.key), `${volume.secret.secretName} has no ${item.key}`);
          }
        }
      }
    }
  });

  test(`${name}: pods run as non-root with memory limits and drop every capability`, () => {
    for (const workload of objects) {
      const spec = podSpec(workload);
      if (!spec) {
        continue;
      }
      const where = `${workload.kind}/${workload.metadata.name}`;
      assert.equal(spec.securityContext?.runAsNonRoot, true, where);
      for (const container of spec.containers) {
        assert.ok(container.resources?.requests?.cpu, `${where}: cpu request`);
        assert.ok(container.resources?.requests?.memory, `${where}: memory request`);
        assert.ok(container.resources?.limits?.memory, `${where}: memory limit`);
        assert.equal(container.securityContext?.allowPrivilegeEscalation, false, where);
        assert.deepEqual(container.securityContext?.capabilities?.drop, ["ALL"], where);
      }
    }
  });

  test(`${name}: Services, probes and scrape annotations name real container ports`, () => {
    for (const service of objects.filter((o) => o.kind === "Service")) {
      const pods = objects.filter((o) => {
        const labels = podSpec(o) && o.spec.template.metadata.labels;
        return (
          labels &&
          Object.entries(service.spec.selector).every(([k, v]) => labels[k] === v)
        );
      });
      assert.ok(pods.length > 0, `Service ${service.metadata.name} selects no pod`);
      const ports = pods.flatMap((p) => p.spec.template.spec.containers.flatMap((c) => c.ports ?? []));
      for (const port of service.spec.ports) {
        assert.ok(
          ports.some((p) => p.name === port.targetPort || p.containerPort === port.targetPort),
          `Service ${service.metadata.name} targets ${port.targetPort}, which no pod exposes`,
        );
      }
    }
    for (const workload of objects.filter((o) => podSpec(o))) {
      const spec = podSpec(workload);
      const names = new Set(spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name)));
      const numbers = new Set(
        spec.containers.flatMap((c) => (c.ports ?? []).map((p) => String(p.containerPort))),
      );
      for (const container of spec.containers) {
        for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
          const port = container[probe]?.httpGet?.port ?? container[probe]?.tcpSocket?.port;
          if (port !== undefined) {
            assert.ok(names.has(port) || numbers.has(String(port)), `${workload.metadata.name} ${probe}`);
          }
        }
      }
      const annotations = workload.spec.template.metadata.annotations ?? {};
      if (annotations["prometheus.io/scrape"] === "true") {
        assert.ok(numbers.has(annotations["prometheus.io/port"]), workload.metadata.name);
      }
    }
    for (const monitor of objects.filter((o) => o.kind === "ServiceMonitor")) {
      const services = objects.filter(
        (o) =>
          o.kind === "Service" &&
          Object.entries(monitor.spec.selector.matchLabels).every(
            ([k, v]) => o.metadata.labels?.[k] === v,
          ),
      );
      assert.equal(services.length, 1, `ServiceMonitor ${monitor.metadata.name}`);
      for (const endpoint of monitor.spec.endpoints) {
        assert.ok(services[0].spec.ports.some((p) => p.name === endpoint.port), endpoint.port);
      }
    }
  });

  test(`${name}: the worker drains before SIGKILL and a disruption takes one at a time`, () => {
    const worker = find(objects, "Deployment", "request-worker");
    const [invocation] = streamperfInvocations([...objects]).filter(
      (i) => i.workload === worker,
    );
    const drain = Number(flag(invocation.args, "--drain-timeout-seconds"));
    const grace = worker.spec.template.spec.terminationGracePeriodSeconds;
    assert.ok(drain + 10 <= grace, `drain ${drain} s must end 10 s before SIGKILL at ${grace} s`);
    assert.equal(worker.spec.replicas, undefined, "the autoscaler, not the manifest, sets replicas");
    const pdb = find(objects, "PodDisruptionBudget", "request-worker");
    assert.equal(pdb.spec.maxUnavailable, 1);
    assert.deepEqual(pdb.spec.selector.matchLabels, worker.spec.selector.matchLabels);
  });

  test(`${name}: topics and ports agree with the connection settings and deploy/.env`, () => {
    const invocations = streamperfInvocations(objects);
    const byName = (n) => invocations.find((i) => i.workload.metadata.name === n);
    const worker = byName("request-worker");
    const values = worker.env;
    assert.equal(
      values.get("STREAMPERF_REQUESTS_TOPIC"),
      `${values.get("STREAMPERF_TOPIC_PREFIX")}requests`,
      "STREAMPERF_REQUESTS_TOPIC must be the prefix + requests",
    );
    for (const i of invocations) {
      if (i.args[0] !== "simulate") {
        assert.equal(flag(i.args, "--topic-prefix"), values.get("STREAMPERF_TOPIC_PREFIX"));
        assert.equal(flag(i.args, "--bootstrap-servers"), values.get("STREAMPERF_BOOTSTRAP_SERVERS"));
      }
    }
    assert.equal(flag(worker.args, "--group-id"), values.get("STREAMPERF_WORKER_GROUP"));
    assert.equal(flag(worker.args, "--metrics-port"), env("STREAMPERF_WORKER_METRICS_PORT"));
    assert.equal(flag(byName("metrics").args, "--http-port"), env("STREAMPERF_METRICS_PORT"));
    const simulator = byName("simulator");
    if (simulator) {
      assert.equal(flag(simulator.args, "--sim-port"), env("STREAMPERF_SIMULATOR_PORT"));
      assert.equal(values.get("STREAMPERF_URL"), `http://simulator:${env("STREAMPERF_SIMULATOR_PORT")}`);
      assert.equal(flag(simulator.args, "--sim-api-key"), flag(worker.args, "--api-key"));
      const producer = byName("producer");
      assert.equal(flag(producer.args, "--model"), flag(simulator.args, "--sim-model"));
    }
    for (const workload of objects.filter((o) => podSpec(o))) {
      for (const container of podSpec(workload).containers) {
        if (container.name === "kafka") {
          assert.equal(container.image, env("KAFKA_IMAGE"));
        } else if (container.name === "schema-registry") {
          assert.equal(container.image, env("SCHEMA_REGISTRY_IMAGE"));
        }
      }
    }
  });

  const scaled = objects.find((o) => o.kind === "ScaledObject");
  if (scaled) {
    test(`${name}: KEDA scales the workers on their own group's lag on the requests topic`, () => {
      const target = find(objects, "Deployment", scaled.spec.scaleTargetRef.name);
      assert.equal(target?.metadata.name, "request-worker");
      const [worker] = streamperfInvocations(objects).filter((i) => i.workload === target);
      assert.equal(worker.container.name, scaled.spec.envSourceContainerName);
      const [trigger] = scaled.spec.triggers;
      assert.equal(trigger.type, "kafka");
      const fromEnv = (key) => {
        const variable = trigger.metadata[`${key}FromEnv`];
        assert.ok(worker.env.has(variable), `${key}FromEnv ${variable} is not in the worker's env`);
        return worker.env.get(variable);
      };
      assert.equal(fromEnv("bootstrapServers"), flag(worker.args, "--bootstrap-servers"));
      assert.equal(fromEnv("consumerGroup"), flag(worker.args, "--group-id"));
      assert.equal(fromEnv("topic"), `${flag(worker.args, "--topic-prefix")}requests`);
      const partitions = Number(worker.env.get("STREAMPERF_PARTITIONS"));
      assert.ok(
        scaled.spec.maxReplicaCount <= partitions,
        `maxReplicaCount ${scaled.spec.maxReplicaCount} > ${partitions} partitions: idle workers`,
      );
      const auth = trigger.authenticationRef?.name;
      if (auth) {
        assert.ok(find(objects, "TriggerAuthentication", auth), `TriggerAuthentication ${auth}`);
      }
    });
  }
}

test("the validator refuses invalid objects (the check can fail)", async () => {
  const deployment = structuredClone(find(rendered.get("base"), "Deployment", "request-worker"));
  deployment.spec.template.spec.containers[0].resurces = deployment.spec.template.spec.containers[0].resources;
  deployment.spec.template.spec.terminationGracePeriodSeconds = "90";
  const errors = await validate(deployment);
  assert.ok(errors.some((e) => /resurces: unknown field/.test(e)), errors.join("\n"));
  assert.ok(errors.some((e) => /terminationGracePeriodSeconds must be integer/.test(e)), errors.join("\n"));

  const memory = structuredClone(find(rendered.get("base"), "Deployment", "metrics"));
  memory.spec.template.spec.containers[0].resources.limits.memory = "3 GiB";
  assert.match((await validate(memory)).join("\n"), /memory/);

  const scaledObject = structuredClone(find(rendered.get("overlays/dev"), "ScaledObject", "request-worker"));
  delete scaledObject.spec.scaleTargetRef;
  assert.match((await validate(scaledObject)).join("\n"), /scaleTargetRef/);

  assert.match(
    (await validate({ apiVersion: "apps/v1", kind: "Deploymnet", metadata: { name: "x" } })).join(),
    /no schema/,
  );
});
