package dev.streamperf.producer.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamperf.embedded.EmbeddedStack;
import dev.streamperf.producer.ProducerConfig;
import dev.streamperf.producer.ProducerProgress;
import dev.streamperf.producer.RunHandle;
import dev.streamperf.producer.RunProducer;
import dev.streamperf.producer.spec.ArrivalPattern;
import dev.streamperf.producer.spec.ImageFormat;
import dev.streamperf.producer.spec.ImageSpec;
import dev.streamperf.producer.spec.LoadSpec;
import dev.streamperf.producer.spec.PromptSpec;
import dev.streamperf.producer.spec.StopSpec;
import dev.streamperf.producer.spec.WarmupSpec;
import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.RunEvent;
import dev.streamperf.schemas.RunStatus;
import dev.streamperf.schemas.cluster.ClusterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replay, export and import against real brokers (two, for a run that leaves and comes back). */
class ReplayIT {

  static EmbeddedStack stack;
  static EmbeddedStack other;
  static ClusterConfig cluster;
  static RunRecords original;

  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    stack = EmbeddedStack.start();
    cluster = stack.cluster();
    ProducerConfig config =
        ProducerConfig.builder(cluster)
            .runId("original")
            .model("test-model")
            .tokenizer("builtin")
            .randomSeed(5L)
            .prompts(new PromptSpec(32, 4, 16, 0, 0, 0, null, null, 10))
            .images(new ImageSpec(1, 32, 0, 24, 0, ImageFormat.PNG, "noise"))
            .load(new LoadSpec.OpenLoop(80, ArrivalPattern.POISSON, null, null, null, null))
            .warmup(new WarmupSpec(4L, null))
            .stop(new StopSpec(30L, null, null))
            .progressInterval(Duration.ofMillis(300))
            .build();
    try (RunHandle run = new RunProducer(config).start()) {
      assertThat(run.await(Duration.ofSeconds(60)).state())
          .isEqualTo(ProducerProgress.State.PRODUCED);
    }
    original = RunRecords.read(cluster, "original", true, Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    if (other != null) {
      other.close();
    }
    stack.close();
  }

  static long time(InferenceRequest r) {
    return r.getIntendedSendUs();
  }

  @Test
  void aReplayKeepsTheScheduleScaledBySpeedWithinAMillisecond() throws Exception {
    assertThat(original.requests()).hasSize(34);
    ProducerProgress done;
    try (RunHandle run = Replay.of(cluster, "original", 2.0, "replay-2x", List.of()).start()) {
      assertThat(run.describe()).contains("replay of run original: 34 sessions");
      done = run.await(Duration.ofSeconds(60));
    }
    assertThat(done.state()).isEqualTo(ProducerProgress.State.PRODUCED);
    assertThat(done.producedSessions()).isEqualTo(34);
    assertThat(done.mediaPublished()).as("media referenced, not copied").isZero();
    RunRecords replay = RunRecords.read(cluster, "replay-2x", false, Duration.ofSeconds(30));
    assertThat(replay.latest().getReplayOf()).isEqualTo("original");
    assertThat(replay.latest().getStatus()).isEqualTo(RunStatus.PRODUCED);
    assertThat(replay.latest().getWarmupRequests()).isEqualTo(4);
    assertThat(replay.requests()).hasSize(34);
    long first = time(original.requests().get(0));
    long replayFirst = time(replay.requests().get(0));
    assertThat(replayFirst).as("starts now").isGreaterThan(original.latest().getUpdatedUs());
    for (int i = 0; i < 34; i++) {
      InferenceRequest a = original.requests().get(i);
      InferenceRequest b = replay.requests().get(i);
      double expected = (time(a) - first) / 2.0;
      assertThat((double) (time(b) - replayFirst))
          .as("sequence %d", i)
          .isCloseTo(expected, org.assertj.core.data.Offset.offset(1000.0));
      assertThat(b.getPhase()).isEqualTo(a.getPhase());
      assertThat(b.getTurns()).isEqualTo(a.getTurns());
      assertThat(b.getModel()).isEqualTo(a.getModel());
      assertThat(b.getSampling()).isEqualTo(a.getSampling());
      assertThat(b.getSource()).isEqualTo("replay:original:" + a.getSessionId());
    }
  }

  @Test
  void aRunStillPublishingOrUnknownIsRefused() {
    assertThatThrownBy(() -> Replay.of(cluster, "nope", 1, null, List.of()))
        .hasMessageContaining("--run nope: no such run");
    assertThatThrownBy(() -> Replay.of(cluster, "original", 1, "original", List.of()))
        .hasMessageContaining("--run-id: 'original' (expected: a new run id");
  }

  @Test
  void exportThenImportRoundTripsByteForByte() throws Exception {
    Path exported = dir.resolve("original.avro");
    RunArchive.Summary summary = RunArchive.export(cluster, "original", exported);
    assertThat(summary.requests()).isEqualTo(34);
    assertThat(summary.media()).isEqualTo(RunRecords.referencedMedia(original.requests()).size());
    assertThat(summary.media()).isPositive();
    assertThat(summary.events()).isGreaterThanOrEqualTo(2);
    RunRecords file = RunArchive.read(exported);
    assertThat(file.requests()).isEqualTo(original.requests());
    assertThat(file.media()).isEqualTo(original.media());
    assertThat(file.events()).isEqualTo(original.events());

    other = EmbeddedStack.start();
    RunArchive.importFile(other.cluster(), exported, null);
    Path again = dir.resolve("again.avro");
    RunArchive.export(other.cluster(), "original", again);
    RunRecords back = RunArchive.read(again);
    assertThat(back.events()).isEqualTo(file.events());
    assertThat(back.media()).isEqualTo(file.media());
    assertThat(back.requests()).isEqualTo(file.requests());
    assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(exported));

    assertThatThrownBy(() -> RunArchive.importFile(other.cluster(), exported, null))
        .hasMessageContaining("run original exists in the cluster already");

    RunArchive.importFile(cluster, exported, "imported-copy");
    RunRecords copy = RunRecords.read(cluster, "imported-copy", true, Duration.ofSeconds(30));
    assertThat(copy.requests()).hasSize(34);
    for (int i = 0; i < 34; i++) {
      assertThat(InferenceRequest.newBuilder(copy.requests().get(i)).setRunId("original").build())
          .isEqualTo(original.requests().get(i));
    }
    assertThat(copy.events()).extracting(RunEvent::getRunId).containsOnly("imported-copy");
    assertThat(copy.media()).isEqualTo(original.media());
  }
}
