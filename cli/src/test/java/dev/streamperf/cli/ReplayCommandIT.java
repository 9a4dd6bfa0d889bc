package dev.streamperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamperf.embedded.EmbeddedStack;
import dev.streamperf.producer.ProducerConfig;
import dev.streamperf.producer.RunHandle;
import dev.streamperf.producer.RunProducer;
import dev.streamperf.producer.replay.RunArchive;
import dev.streamperf.producer.replay.RunRecords;
import dev.streamperf.producer.spec.ArrivalPattern;
import dev.streamperf.producer.spec.LoadSpec;
import dev.streamperf.producer.spec.PromptSpec;
import dev.streamperf.producer.spec.StopSpec;
import dev.streamperf.schemas.cluster.ClusterConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** 'streamperf replay', 'export' and 'import' on the embedded broker. */
class ReplayCommandIT {

  static EmbeddedStack stack;
  static ClusterConfig cluster;

  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    stack = EmbeddedStack.start();
    cluster = stack.cluster();
    ProducerConfig config =
        ProducerConfig.builder(cluster)
            .runId("cli-original")
            .model("m")
            .tokenizer("builtin")
            .prompts(new PromptSpec(16, 0, 8, 0, 0, 0, null, null, 5))
            .load(new LoadSpec.OpenLoop(100, ArrivalPattern.CONSTANT, null, null, null, null))
            .stop(new StopSpec(10L, null, null))
            .build();
    try (RunHandle run = new RunProducer(config).start()) {
      run.await(Duration.ofSeconds(60));
    }
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  record Run(int code, String out, String err) {}

  static Run run(Object command, String... args) {
    CommandLine cli = new CommandLine(command);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 4];
    all[0] = "--bootstrap-servers";
    all[1] = cluster.bootstrapServers();
    all[2] = "--schema-registry-url";
    all[3] = cluster.schemaRegistryUrl();
    System.arraycopy(args, 0, all, 4, args.length);
    return new Run(cli.execute(all), out.toString(), err.toString());
  }

  @Test
  void replayRepublishesTheRunUnderANewIdFaster() {
    Run run =
        run(
            new ReplayCommand(),
            "--run",
            "cli-original",
            "--speed",
            "4",
            "--run-id",
            "cli-replay",
            "--progress-interval",
            "PT0.2S");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("replay of run cli-original: 10 sessions")
        .contains("until its last session")
        .contains("replay: run cli-replay produced, 10 sessions");
    RunRecords replay = RunRecords.read(cluster, "cli-replay", false, Duration.ofSeconds(30));
    assertThat(replay.latest().getReplayOf()).isEqualTo("cli-original");
    assertThat(replay.requests()).hasSize(10);
    long span =
        replay.requests().get(9).getIntendedSendUs() - replay.requests().get(0).getIntendedSendUs();
    assertThat(span).as("90 ms at 100/s, 4x faster").isBetween(21_000L, 24_000L);

    Run unknown = run(new ReplayCommand(), "--run", "nope");
    assertThat(unknown.code()).isNotZero();
  }

  @Test
  void exportThenImportUnderANewId() throws Exception {
    Path file = dir.resolve("run.avro");
    Run export = run(new ExportCommand(), "--run", "cli-original", file.toString());
    assertThat(export.code()).as(export.err()).isZero();
    assertThat(export.out()).contains("export: run cli-original: 10 requests, 0 media");
    assertThat(Files.size(file)).isPositive();
    Run imported = run(new ImportCommand(), file.toString(), "--run-id", "cli-imported");
    assertThat(imported.code()).as(imported.err()).isZero();
    assertThat(imported.out()).contains("import: run cli-imported: 10 requests");
    assertThat(RunArchive.read(file).requests())
        .hasSize(10)
        .allSatisfy(r -> assertThat(r.getRunId()).isEqualTo("cli-original"));
    assertThat(RunRecords.read(cluster, "cli-imported", false, Duration.ofSeconds(30)).requests())
        .hasSize(10);
    Run again = run(new ImportCommand(), file.toString(), "--run-id", "cli-imported");
    assertThat(again.code()).isNotZero();
  }
}
