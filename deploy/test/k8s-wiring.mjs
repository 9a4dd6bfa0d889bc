// How the rendered manifests wire a streamperf container: its environment (ConfigMaps, Secrets,
// literal values) and its arguments with Kubernetes' $(VAR) references expanded.
import assert from "node:assert/strict";
import { podSpec } from "./lib.mjs";

// Secrets the manifests reference and the user creates (deploy/README.md); their keys, where the
// manifests depend on them.
export const externalSecrets = new Map([
  ["streamperf-endpoint", ["api-key"]],
  ["streamperf-kafka", ["client.properties", "sasl", "username", "password", "tls"]],
  ["streamperf-registry", ["SCHEMA_REGISTRY_USER_INFO"]],
]);

const isStreamperf = (container) => /(^|\/)streamperf(:|$)/.test(container.image);

export function find(objects, kind, name) {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

/** A ConfigMap or Secret by the name a pod uses (kustomize appends a content hash to both). */
function byRefName(objects, kind, name) {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

/** The environment a container sees: name -> value (or a marker for secret values). */
function containerEnv(objects, container) {
  const values = new Map();
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const cm = byRefName(objects, "ConfigMap", source.configMapRef.name);
      assert.ok(cm, `envFrom ConfigMap ${source.configMapRef.name} is not in the output`);
      Object.entries(cm.data ?? {}).forEach(([k, v]) => values.set(k, v));
    } else if (source.secretRef) {
      const secret = byRefName(objects, "Secret", source.secretRef.name);
      const keys = secret
        ? Object.keys(secret.data ?? {})
        : externalSecrets.get(source.secretRef.name);
      assert.ok(keys, `envFrom Secret ${source.secretRef.name} is neither rendered nor documented`);
      keys.forEach((k) => values.set(k, `<secret ${source.secretRef.name}/${k}>`));
    }
  }
  for (const variable of container.env ?? []) {
    if ("value" in variable) {
      values.set(variable.name, variable.value);
    } else if (variable.valueFrom?.secretKeyRef) {
      const { name, key } = variable.valueFrom.secretKeyRef;
      const secret = byRefName(objects, "Secret", name);
      const known = secret ? Object.keys(secret.data ?? {}) : externalSecrets.get(name);
      assert.ok(known?.includes(key), `${variable.name}: secret ${name} key ${key} unknown`);
      values.set(variable.name, `<secret ${name}/${key}>`);
    } else if (variable.valueFrom?.configMapKeyRef) {
      const { name, key } = variable.valueFrom.configMapKeyRef;
      const cm = byRefName(objects, "ConfigMap", name);
      assert.ok(cm?.data?.[key] !== undefined, `${variable.name}: ConfigMap ${name} key ${key}`);
      values.set(variable.name, cm.data[key]);
    } else if (variable.valueFrom?.fieldRef) {
      values.set(variable.name, `<field ${variable.valueFrom.fieldRef.fieldPath}>`);
    }
  }
  return values;
}

/** The streamperf containers of a kustomization: {workload, container, args (expanded)}. */
export function streamperfInvocations(objects) {
  const out = [];
  for (const workload of objects) {
    const spec = podSpec(workload);
    for (const container of spec?.containers ?? []) {
      if (!isStreamperf(container)) {
        continue;
      }
      const values = containerEnv(objects, container);
      const args = (container.args ?? []).map((arg) =>
        arg.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name) => {
          assert.ok(
            values.has(name),
            `${workload.kind}/${workload.metadata.name}: ${arg} names ${name}, which the` +
              " container's environment does not define (Kubernetes would pass it literally)",
          );
          return values.get(name);
        }),
      );
      out.push({ workload, container, args, env: values });
    }
  }
  return out;
}
