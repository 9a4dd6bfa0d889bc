// Reads deploy/Dockerfile with dockerfile-ast (the parser of VS Code's Docker language service):
// its stages, and per stage the instructions the checks look at.
import { readFileSync } from "node:fs";
import path from "node:path";
import { DockerfileParser } from "dockerfile-ast";
import { deploy } from "./lib.mjs";

export const dockerfilePath = path.join(deploy, "Dockerfile");
export const dockerfileText = () => readFileSync(dockerfilePath, "utf8");

/** An instruction's flags as a map (--from=build -> from: build). */
function flags(instruction) {
  return new Map((instruction.getFlags?.() ?? []).map((f) => [f.getName(), f.getValue()]));
}

/**
 * The stages of the Dockerfile: {name, from, instructions: [{keyword, args, flags, instruction}]},
 * with the global ARG defaults substituted into FROM.
 */
export function stages(text = dockerfileText()) {
  const dockerfile = DockerfileParser.parse(text);
  const argDefaults = new Map();
  for (const arg of dockerfile.getInitialARGs()) {
    const [property] = arg.getProperties();
    argDefaults.set(property.getName(), property.getValue());
  }
  const result = [];
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === "FROM") {
      const image = instruction
        .getImage()
        .replace(/\$\{(\w+)\}/g, (whole, name) => argDefaults.get(name) ?? whole);
      result.push({ name: instruction.getBuildStage(), from: image, instructions: [] });
      continue;
    }
    if (result.length === 0) {
      continue;
    }
    result.at(-1).instructions.push({
      keyword,
      args: instruction.getArguments().map((a) => a.getValue()),
      flags: flags(instruction),
      instruction,
    });
  }
  return result;
}

/** ENV of a stage as a map. */
export function stageEnv(stage) {
  const values = new Map();
  for (const { keyword, instruction } of stage.instructions) {
    if (keyword === "ENV") {
      for (const property of instruction.getProperties()) {
        values.set(property.getName(), property.getValue());
      }
    }
  }
  return values;
}

/** The last value of a single-valued instruction (WORKDIR, USER) in a stage. */
export function last(stage, keyword) {
  return stage.instructions.filter((i) => i.keyword === keyword).at(-1)?.args.join(" ");
}

/** The exec-form JSON array of ENTRYPOINT or CMD in a stage, or undefined. */
export function execForm(stage, keyword) {
  const hit = stage.instructions.filter((i) => i.keyword === keyword).at(-1);
  return hit ? JSON.parse(hit.instruction.getArgumentsContent()) : undefined;
}
