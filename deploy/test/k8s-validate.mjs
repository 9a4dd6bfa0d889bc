// Validates Kubernetes objects offline, the way the API server would refuse them:
//  - against the OpenAPI schemas of the kind (kubernetes-models for built-in kinds, and its KEDA
//    and Prometheus Operator packages for those CRDs): types, required fields, formats such as
//    quantities, enums;
//  - strictly (what `kubectl apply --validate=strict` adds): every field of a built-in kind must
//    exist in the official Kubernetes client's models (@kubernetes/client-node), so a misspelt
//    field fails instead of being dropped.
import * as clientModels from "@kubernetes/client-node/dist/gen/models/all.js";

const crdPackages = {
  "keda.sh": "@kubernetes-models/keda",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

/** The kubernetes-models module of an apiVersion and kind. */
function modelModule(apiVersion, kind) {
  const slash = apiVersion.indexOf("/");
  if (slash < 0) {
    return `kubernetes-models/${apiVersion}/${kind}`;
  }
  const group = apiVersion.slice(0, slash);
  const pkg = crdPackages[group] ?? "kubernetes-models";
  return `${pkg}/${apiVersion}/${kind}`;
}

/** The @kubernetes/client-node class of a built-in apiVersion and kind, e.g. V1Deployment. */
function clientClassName(apiVersion, kind) {
  const version = apiVersion.slice(apiVersion.indexOf("/") + 1);
  return version.charAt(0).toUpperCase() + version.slice(1) + kind;
}

const scalarTypes = new Set(["string", "number", "boolean", "Date", "IntOrString", "any"]);

function walk(value, type, where, errors) {
  if (value === null || value === undefined || scalarTypes.has(type)) {
    return;
  }
  let m = /^Array<(.+)>$/.exec(type);
  if (m) {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, m[1], `${where}[${i}]`, errors));
    }
    return;
  }
  m = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (m) {
    if (typeof value === "object") {
      Object.entries(value).forEach(([k, v]) => walk(v, m[1], `${where}.${k}`, errors));
    }
    return;
  }
  const model = clientModels[type];
  if (typeof model?.getAttributeTypeMap !== "function") {
    errors.push(`${where}: cannot check fields of type ${type}`);
    return;
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    return; // the schema check reports the wrong type
  }
  const fields = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [key, child] of Object.entries(value)) {
    if (!fields.has(key)) {
      errors.push(`${where}.${key}: unknown field (${type} has no such field)`);
    } else {
      walk(child, fields.get(key), `${where}.${key}`, errors);
    }
  }
}

/**
 * Validates one object; returns its errors (empty when valid), each naming the object and the
 * field.
 */
export async function validate(object) {
  const name = `${object?.kind ?? "?"}/${object?.metadata?.name ?? "?"}`;
  if (!object?.apiVersion || !object?.kind) {
    return [`${name}: apiVersion and kind are required`];
  }
  let Model;
  try {
    Model = (await import(modelModule(object.apiVersion, object.kind)))[object.kind];
  } catch {
    Model = undefined;
  }
  if (typeof Model !== "function") {
    return [`${name}: no schema for ${object.apiVersion} ${object.kind} (unknown kind or version)`];
  }
  const errors = [];
  try {
    new Model(object).validate();
  } catch (e) {
    errors.push(`${name}: ${e.message}`);
  }
  const group = object.apiVersion.includes("/") ? object.apiVersion.split("/")[0] : "";
  if (!(group in crdPackages)) {
    walk(object, clientClassName(object.apiVersion, object.kind), name, errors);
  }
  return errors;
}
