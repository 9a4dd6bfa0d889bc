import dev.streamperf.cli.StreamperfCommand;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * Parses command lines with the real streamperf CLI, without running them: each line of standard
 * input is one invocation, its arguments separated by U+001F. Prints one line per invocation:
 * {@code ok}, {@code unknown-command NAME} when no such subcommand is registered, or {@code error
 * MESSAGE} when picocli refuses the arguments (unknown option, bad value, missing parameter).
 *
 * <p>Run with the single-file source launcher on the built CLI's class path: {@code java -cp
 * 'cli/target/streamperf.jar:cli/target/lib/*' deploy/test/ParseArgs.java}.
 */
public final class ParseArgs {

  private ParseArgs() {}

  public static void main(String[] args) throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    StringBuilder out = new StringBuilder();
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] argv = line.split("\u001f", -1);
      CommandLine cli = StreamperfCommand.commandLine();
      if (argv.length == 0 || !cli.getSubcommands().containsKey(argv[0])) {
        out.append("unknown-command ").append(argv.length == 0 ? "" : argv[0]).append('\n');
        continue;
      }
      try {
        cli.parseArgs(argv);
        out.append("ok\n");
      } catch (CommandLine.ParameterException e) {
        out.append("error ")
            .append(e.getMessage().replace('\n', ' '))
            .append(" in ")
            .append(Arrays.toString(argv))
            .append('\n');
      }
    }
    System.out.print(out);
  }
}
