// A quiet reporter for node's test runner: nothing per passing test; each failure with its error,
// each to-do and skip with its reason; then one closing line "deploy: N passed, N failed".
const summaryKeys = /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /;

export default async function* quiet(source) {
  let passed = 0;
  let failed = 0;
  let todo = 0;
  let skipped = 0;
  for await (const event of source) {
    const { data } = event;
    switch (event.type) {
      case "test:pass":
        if (data.details?.type === "suite") {
          break;
        }
        if (data.todo !== undefined) {
          todo++;
          yield `todo: ${data.name}: ${data.todo === true ? "" : data.todo}\n`;
        } else if (data.skip !== undefined) {
          skipped++;
          yield `skipped: ${data.name}${data.skip === true ? "" : `: ${data.skip}`}\n`;
        } else {
          passed++;
        }
        break;
      case "test:fail": {
        if (data.details?.type === "suite") {
          break;
        }
        failed++;
        const error = data.details?.error;
        const cause = error?.cause ?? error;
        const message = String(cause?.message ?? cause ?? "failed").replace(/^/gm, "    ");
        yield `FAILED: ${data.name} (${data.file ?? ""}:${data.line ?? ""})\n${message}\n`;
        break;
      }
      case "test:diagnostic":
        if (!summaryKeys.test(data.message)) {
          yield `note: ${data.message}\n`;
        }
        break;
      case "test:stderr":
      case "test:stdout":
        yield data.message;
        break;
      default:
        break;
    }
  }
  if (todo > 0) {
    yield `${todo} to do: checks that wait for components still being written\n`;
  }
  yield `deploy: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}\n`;
}
