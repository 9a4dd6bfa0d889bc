package dev.streamperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Locale;
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

  /**
   * Picocli passes headers and descriptions through String.format; a bare "%" makes it print a
   * warning and show the text unformatted.
   */
  @Test
  void everyHelpTextOfEveryCommandFormats() {
    List<String> broken = new ArrayList<>();
    collectUnformattable(StreamperfCommand.commandLine(), broken);
    assertThat(broken).isEmpty();
  }

  private static void collectUnformattable(CommandLine command, List<String> broken) {
    CommandLine.Model.CommandSpec spec = command.getCommandSpec();
    List<String> texts = new ArrayList<>();
    texts.addAll(List.of(spec.usageMessage().header()));
    texts.addAll(List.of(spec.usageMessage().description()));
    spec.options().forEach(o -> texts.addAll(List.of(o.description())));
    for (String text : texts) {
      try {
        String.format(Locale.ROOT, text);
      } catch (IllegalFormatException e) {
        broken.add(spec.qualifiedName() + ": " + e + ": " + text);
      }
    }
    command.getSubcommands().values().forEach(sub -> collectUnformattable(sub, broken));
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
