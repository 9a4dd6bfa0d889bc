// Grafana's dashboard JSON schema, made from the @grafana/schema npm package: the package ships
// the dashboard model and every panel plugin's options as the TypeScript types Grafana generates
// from its CUE kinds, and ts-json-schema-generator turns those types into JSON Schema (interfaces
// are closed: a field the type does not declare is an error, as a misspelt field should be).
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { createGenerator } from "ts-json-schema-generator";
import Ajv from "ajv";

const require = createRequire(import.meta.url);
const schemaPackage = path.dirname(require.resolve("@grafana/schema/package.json"));

/** The version of @grafana/schema installed (package.json pins it to the compose Grafana's). */
export const schemaVersion = JSON.parse(
  readFileSync(path.join(schemaPackage, "package.json"), "utf8"),
).version;

const dashboardTypes = path.join(
  schemaPackage,
  "dist/types/raw/dashboard/x/dashboard_types.gen.d.ts",
);

function generate(file, type) {
  return createGenerator({
    path: file,
    type,
    skipTypeCheck: true,
    expose: "export",
    topRef: true,
    additionalProperties: false,
  }).createSchema(type);
}

let dashboardSchema;

/** JSON Schema (draft-07) of the dashboard model, with Panel, RowPanel, ... as definitions. */
export function dashboard() {
  dashboardSchema ??= generate(dashboardTypes, "Dashboard");
  return dashboardSchema;
}

/** The default schemaVersion of a dashboard in this Grafana release (the package's defaults). */
export function defaultSchemaVersion() {
  const source = readFileSync(
    path.join(schemaPackage, "dist/esm/raw/dashboard/x/dashboard_types.gen.mjs"),
    "utf8",
  );
  const m = /schemaVersion:\s*(\d+)/.exec(source);
  if (!m) {
    throw new Error("@grafana/schema: no default schemaVersion in the dashboard defaults");
  }
  return Number(m[1]);
}

const panelCache = new Map();

/**
 * The schemas of a panel plugin's options and of its custom field config (the latter only where
 * the plugin declares one), or undefined for a plugin @grafana/schema does not describe.
 */
export function panel(type) {
  if (!panelCache.has(type)) {
    const dir = path.join(schemaPackage, "dist/types/raw/composable", type, "panelcfg/x");
    let file;
    try {
      file = readdirSync(dir).find((name) => name.endsWith("_types.gen.d.ts"));
    } catch {
      file = undefined;
    }
    if (file === undefined) {
      panelCache.set(type, undefined);
    } else {
      const full = path.join(dir, file);
      const source = readFileSync(full, "utf8");
      panelCache.set(type, {
        options: generate(full, "Options"),
        fieldConfig: /export interface FieldConfig\b/.test(source)
          ? generate(full, "FieldConfig")
          : undefined,
      });
    }
  }
  return panelCache.get(type);
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map();

/**
 * Validates a value against a schema, optionally against one of its definitions; returns the
 * errors as "path: message" lines (empty when valid).
 */
export function validate(schema, value, definition = undefined) {
  const key = schema;
  if (!validators.has(key)) {
    validators.set(key, new Map());
  }
  const byDefinition = validators.get(key);
  const name = definition ?? "";
  if (!byDefinition.has(name)) {
    const root =
      definition === undefined
        ? schema
        : { ...schema, $ref: `#/definitions/${encodeURIComponent(definition)}` };
    byDefinition.set(name, ajv.compile(root));
  }
  const check = byDefinition.get(name);
  if (check(value)) {
    return [];
  }
  return check.errors.map((e) => {
    const extra =
      e.keyword === "additionalProperties"
        ? ` (${e.params.additionalProperty})`
        : e.keyword === "enum"
          ? ` (${e.params.allowedValues.join(", ")})`
          : "";
    return `${e.instancePath || "/"}: ${e.message}${extra}`;
  });
}
