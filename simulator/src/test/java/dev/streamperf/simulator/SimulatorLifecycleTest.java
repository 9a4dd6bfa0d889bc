package dev.streamperf.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimulatorLifecycleTest {

  static long simulatorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("streamperf-simulator"))
        .count();
  }

  @Test
  void closeLeavesNoThreadAndFreesThePort() throws Exception {
    Simulator sim =
        Simulator.start(
            SimulatorConfig.builder()
                .ttftBase(Duration.ofMillis(50))
                .groundTruthLog(java.nio.file.Files.createTempFile("truth", ".jsonl"))
                .build());
    int port = sim.port();
    assertThat(sim.baseUrl()).isEqualTo("http://127.0.0.1:" + port);
    // a stream in flight when it closes
    Thread client =
        new Thread(
            () -> {
              try {
                new SseClient()
                    .post(
                        sim.baseUrl() + "/v1/chat/completions",
                        SseClient.chat("x", "\"stream\":true"));
              } catch (Exception expected) {
                // the server went away
              }
            });
    client.start();
    Thread.sleep(20);
    assertThat(simulatorThreads()).isPositive();
    sim.close();
    client.join(5_000);
    assertThat(simulatorThreads()).isZero();
    try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertThat(again.getLocalPort()).isEqualTo(port);
    }
  }

  @Test
  void aTakenPortFailsWithTheAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(
              () -> Simulator.start(SimulatorConfig.builder().port(taken.getLocalPort()).build()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
    assertThat(simulatorThreads()).isZero();
  }
}
