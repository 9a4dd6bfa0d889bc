package dev.streamperf.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apicurio Registry 3.0.9 as a child process: a real registry serving the Confluent API at {@code
 * /apis/ccompat/v7}. Its distribution ({@code apicurio-registry-app-3.0.9-all.zip} from Maven
 * Central) is unpacked once into a cache directory. Storage is H2: in memory, or in files under a
 * data directory so that schema ids survive a restart as the broker's records do.
 */
public final class ApicurioRegistry implements AutoCloseable {

  /** The version the build fetches. */
  public static final String VERSION = "3.0.9";

  /** System property naming the distribution zip. */
  public static final String ZIP_PROPERTY = "streamperf.apicurio.zip";

  private static final Logger log = LoggerFactory.getLogger(ApicurioRegistry.class);
  private static final String RUNNER = "apicurio-registry-app-" + VERSION + "-runner.jar";
  private static final String ZIP = "apicurio-registry-app-" + VERSION + "-all.zip";

  private final Process process;
  private final int port;
  private final Path logFile;

  private ApicurioRegistry(Process process, int port, Path logFile) {
    this.process = process;
    this.port = port;
    this.logFile = logFile;
  }

  /**
   * Finds the distribution zip: the {@value #ZIP_PROPERTY} system property, the {@code
   * STREAMPERF_APICURIO_ZIP} environment variable, {@code apicurio/} next to the running jar, or
   * the local Maven repository.
   */
  public static Path locateDistribution() {
    List<Path> candidates = new ArrayList<>();
    String property = System.getProperty(ZIP_PROPERTY);
    if (property != null) {
      candidates.add(Path.of(property));
    }
    String env = System.getenv("STREAMPERF_APICURIO_ZIP");
    if (env != null) {
      candidates.add(Path.of(env));
    }
    try {
      Path code =
          Path.of(
              ApicurioRegistry.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path dir = Files.isDirectory(code) ? code : code.getParent();
      candidates.add(dir.resolve("apicurio").resolve(ZIP));
      candidates.add(dir.getParent().resolve("apicurio").resolve(ZIP));
    } catch (Exception e) {
      log.debug("cannot tell where the code is", e);
    }
    String repo = System.getProperty("maven.repo.local");
    Path m2 =
        repo != null
            ? Path.of(repo)
            : Path.of(System.getProperty("user.home"), ".m2", "repository");
    candidates.add(m2.resolve("io/apicurio/apicurio-registry-app/" + VERSION + "/" + ZIP));
    for (Path candidate : candidates) {
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "Apicurio Registry "
            + VERSION
            + " distribution not found; looked at "
            + candidates
            + ". Build with ./mvnw (it fetches it from Maven Central) or set -D"
            + ZIP_PROPERTY);
  }

  /**
   * Unpacks the distribution (once) and starts the registry; returns when its API answers.
   *
   * @param zip the distribution zip
   * @param cacheDir where to unpack it
   * @param port HTTP port on 127.0.0.1, 0 for a free one
   * @param dataDir H2 files directory for persistent storage, or null for in-memory storage
   * @param startTimeout how long to wait for the API
   */
  public static ApicurioRegistry start(
      Path zip, Path cacheDir, int port, Path dataDir, Duration startTimeout) {
    Objects.requireNonNull(zip, "zip");
    Path home = unpack(zip, cacheDir);
    int httpPort = port == 0 ? FreePorts.loopback() : port;
    int managementPort = FreePorts.loopback();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Dquarkus.http.host=127.0.0.1");
    command.add("-Dquarkus.http.port=" + httpPort);
    command.add("-Dquarkus.management.host=127.0.0.1");
    command.add("-Dquarkus.management.port=" + managementPort);
    command.add("-Dapicurio.datasource.jdbc.initial-size=2");
    command.add("-Dapicurio.datasource.jdbc.min-size=2");
    command.add("-Dapicurio.datasource.jdbc.max-size=10");
    Path logFile;
    try {
      if (dataDir != null) {
        Files.createDirectories(dataDir);
        command.add(
            "-Dapicurio.datasource.url=jdbc:h2:file:"
                + dataDir.toAbsolutePath().resolve("registry"));
        logFile = dataDir.resolve("apicurio.log");
      } else {
        logFile = Files.createTempFile("streamperf-apicurio-", ".log");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the registry's data directory " + dataDir, e);
    }
    command.add("-jar");
    command.add(home.resolve(RUNNER).toString());
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .directory(home.toFile())
              .redirectErrorStream(true)
              .redirectOutput(logFile.toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    ApicurioRegistry registry = new ApicurioRegistry(process, httpPort, logFile);
    try {
      registry.awaitReady(startTimeout);
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
    return registry;
  }

  private static Path unpack(Path zip, Path cacheDir) {
    Path home = cacheDir.resolve("apicurio-registry-" + VERSION);
    Path done = home.resolve(".unpacked");
    if (Files.exists(done)) {
      return home;
    }
    log.info("Unpacking {} into {}", zip, home);
    Path staging =
        cacheDir.resolve(
            "apicurio-registry-" + VERSION + ".partial-" + ProcessHandle.current().pid());
    try (InputStream in = Files.newInputStream(zip);
        ZipInputStream entries = new ZipInputStream(in)) {
      Files.createDirectories(staging);
      for (ZipEntry entry; (entry = entries.getNextEntry()) != null; ) {
        Path target = staging.resolve(entry.getName()).normalize();
        if (!target.startsWith(staging)) {
          throw new IOException("zip entry outside the target directory: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(entries, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Files.createFile(staging.resolve(".unpacked"));
      try {
        Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException raced) {
        if (!Files.exists(done)) {
          throw raced;
        }
      }
      return home;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack " + zip + " into " + home, e);
    }
  }

  private void awaitReady(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpRequest probe =
        HttpRequest.newBuilder(URI.create(url() + "/subjects"))
            .timeout(Duration.ofSeconds(2))
            .build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Apicurio Registry exited with " + process.exitValue() + "; see " + logFile);
      }
      try {
        if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          log.info("Apicurio Registry up at {}", url());
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for Apicurio Registry", e);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for Apicurio Registry", e);
      }
    }
    throw new IllegalStateException(
        "Apicurio Registry did not answer at " + url() + " within " + timeout + "; see " + logFile);
  }

  /** The Confluent-API base URL: {@code http://127.0.0.1:PORT/apis/ccompat/v7}. */
  public String url() {
    return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
  }

  public int port() {
    return port;
  }

  /** The registry's own log. */
  public Path logFile() {
    return logFile;
  }

  /** Stops the process (SIGTERM, then SIGKILL after 10 s) and waits for it. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
