package dev.streamperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class StreamperfCommandTest {

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    CommandLine cli = StreamperfCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void helpListsEverySubcommandOnOneLine() {
    Run run = run("--help");
    assertThat(run.code()).isZero();
    String commands = run.out().substring(run.out().indexOf("Commands:"));
    List<String> lines = commands.lines().skip(1).filter(l -> !l.isBlank()).toList();
    List<String> names =
        StreamperfCommand.commandLine().getSubcommands().keySet().stream().toList();
    assertThat(lines).hasSize(names.size());
    for (String name : names) {
      assertThat(lines)
          .anyMatch(l -> l.trim().startsWith(name + " ") && l.trim().length() > name.length() + 10);
    }
  }

  @Test
  void unknownOptionIsAUsageErrorWithCode2() {
    Run run = run("topics", "--no-such-option");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("Unknown option: '--no-such-option'");
  }

  @Test
  void missingClusterSaysWhichOptionIsMissing() {
    Run run = run("topics");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("--bootstrap-servers: missing");
  }

  @Test
  void badValuesNameTheParameter() {
    Run run = run("topics", "-b", "127.0.0.1:1", "--partitions", "0");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("partitions: 0 (expected: > 0)");
  }
}
