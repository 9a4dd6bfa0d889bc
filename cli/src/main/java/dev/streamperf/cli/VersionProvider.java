package dev.streamperf.cli;

import picocli.CommandLine;

/** The version from the jar manifest, with the Kafka and Java versions it runs on. */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = StreamperfCommand.class.getPackage().getImplementationVersion();
    return new String[] {
      "streamperf " + (version == null ? "(development build)" : version),
      "Kafka clients " + org.apache.kafka.common.utils.AppInfoParser.getVersion(),
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
    };
  }
}
