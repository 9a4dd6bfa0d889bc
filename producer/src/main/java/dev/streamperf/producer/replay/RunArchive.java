package dev.streamperf.producer.replay;

import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.MediaBlob;
import dev.streamperf.schemas.RunEvent;
import dev.streamperf.schemas.cluster.ClusterConfig;
import dev.streamperf.schemas.serde.AvroSerializer;
import dev.streamperf.schemas.topics.TopicCatalog;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A run as a self-describing file, so a trace can leave the cluster and come back: an Avro object
 * container file whose header holds the schema of its records (each a topic key and a RunEvent,
 * MediaBlob or InferenceRequest, with their full schemas) and the run id. Records come in a fixed
 * order (RunEvents as written, media by SHA-256, requests by sequence) and the sync marker is
 * derived from the run id, so exporting the same run twice gives the same bytes.
 */
public final class RunArchive {

  /** The file's record: the key it had in its topic and its value. */
  public static final Schema RECORD =
      SchemaBuilder.record("RunArchiveRecord")
          .namespace("dev.streamperf.archive")
          .doc(
              "One record of an exported run: its topic key and its value (the value's type says"
                  + " the topic: RunEvent runs, MediaBlob media, InferenceRequest requests).")
          .fields()
          .requiredString("key")
          .name("value")
          .type(
              Schema.createUnion(
                  RunEvent.getClassSchema(),
                  MediaBlob.getClassSchema(),
                  InferenceRequest.getClassSchema()))
          .noDefault()
          .endRecord();

  /** File metadata: the run id. */
  public static final String META_RUN = "streamperf.run";

  /** File metadata: the archive format version. */
  public static final String META_FORMAT = "streamperf.archive.format";

  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private static final AtomicBoolean TRUSTED = new AtomicBoolean();

  private RunArchive() {}

  /**
   * Lets Avro instantiate the contract's generated classes when reading a file (Avro 1.12 refuses
   * untrusted packages), on top of whatever the JVM already trusts, as the serde does.
   */
  private static void trustContracts() {
    if (TRUSTED.compareAndSet(false, true)) {
      ClassSecurityValidator.ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
      ClassSecurityValidator.setGlobal(
          ClassSecurityValidator.composite(
              current, type -> type.getName().startsWith("dev.streamperf.schemas.")));
    }
  }

  /** Counts of what a file holds. */
  public record Summary(String runId, int events, int media, int requests, long bytes) {}

  /**
   * Exports a run of the cluster to a file (written to a temporary file, then moved).
   *
   * @throws IllegalArgumentException when the run does not exist or is still publishing
   */
  public static Summary export(ClusterConfig cluster, String runId, Path file) {
    return write(RunRecords.read(cluster, runId, true, TIMEOUT), file);
  }

  /** Writes records to a file. */
  public static Summary write(RunRecords run, Path file) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    SpecificData data = new SpecificData();
    try (OutputStream out = Files.newOutputStream(tmp);
        DataFileWriter<GenericRecord> writer =
            new DataFileWriter<>(new SpecificDatumWriter<GenericRecord>(RECORD, data))) {
      writer.setMeta(META_RUN, run.runId());
      writer.setMeta(META_FORMAT, 1);
      writer.create(RECORD, out, sync(run.runId()));
      for (RunEvent e : run.events()) {
        writer.append(record(e.getRunId(), e));
      }
      for (MediaBlob m : run.media()) {
        writer.append(record(m.getSha256(), m));
      }
      for (InferenceRequest r : run.requests()) {
        writer.append(record(r.getSessionId(), r));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      return new Summary(
          run.runId(),
          run.events().size(),
          run.media().size(),
          run.requests().size(),
          Files.size(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static boolean visible(ClusterConfig cluster, String runId) {
    return !TopicScan.scan(
            cluster,
            cluster.topics().runs(),
            RunEvent.class,
            -1,
            (key, value) -> runId.equals(key),
            TIMEOUT)
        .isEmpty();
  }

  private static GenericRecord record(String key, SpecificRecord value) {
    GenericData.Record r = new GenericData.Record(RECORD);
    r.put("key", key);
    r.put("value", value);
    return r;
  }

  private static byte[] sync(String runId) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(("streamperf-archive:" + runId).getBytes(StandardCharsets.UTF_8));
      return Arrays.copyOf(digest, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads a file.
   *
   * @throws IllegalArgumentException when it is not a run archive, naming the file
   */
  public static RunRecords read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": no such file");
    }
    trustContracts();
    List<RunEvent> events = new ArrayList<>();
    List<MediaBlob> media = new ArrayList<>();
    List<InferenceRequest> requests = new ArrayList<>();
    String runId;
    SpecificData data = new SpecificData();
    try (DataFileReader<GenericRecord> reader =
        new DataFileReader<>(
            file.toFile(), new SpecificDatumReader<GenericRecord>(null, RECORD, data))) {
      runId = reader.getMetaString(META_RUN);
      if (runId == null) {
        throw new IllegalArgumentException(
            file + ": an Avro file, but not a streamperf run archive (no " + META_RUN + ")");
      }
      long index = 0;
      for (GenericRecord record : reader) {
        Object value = record.get("value");
        if (value instanceof RunEvent e) {
          events.add(e);
        } else if (value instanceof MediaBlob m) {
          media.add(m);
        } else if (value instanceof InferenceRequest r) {
          requests.add(r);
        } else {
          throw new IllegalArgumentException(
              file + ": record " + index + ": unexpected value " + value.getClass().getName());
        }
        index++;
      }
    } catch (IOException | org.apache.avro.AvroRuntimeException e) {
      throw new IllegalArgumentException(
          file + ": not a readable run archive: " + e.getMessage(), e);
    }
    if (events.isEmpty()) {
      throw new IllegalArgumentException(file + ": no RunEvent for run " + runId);
    }
    return new RunRecords(runId, events, requests, media);
  }

  /**
   * Publishes a file's run to a cluster, in one transaction (readers see all of it or none): its
   * RunEvents, media and requests as they were, under {@code newRunId} when given.
   *
   * @throws IllegalArgumentException when the run id is taken in the cluster
   */
  public static Summary importFile(ClusterConfig cluster, Path file, String newRunId) {
    RunRecords run = read(file);
    String runId = newRunId != null ? newRunId : run.runId();
    if (visible(cluster, runId)) {
      throw new IllegalArgumentException(
          (newRunId != null ? "--run-id " : file + ": run ")
              + runId
              + " exists in the cluster already"
              + (newRunId != null ? "" : "; import it under another --run-id"));
    }
    TopicCatalog topics = cluster.topics();
    Map<String, Object> config =
        cluster.transactionalProducerConfig(
            "streamperf-import-" + runId, "streamperf-import-" + runId);
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicCatalog.MEDIA_MAX_MESSAGE_BYTES);
    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 4L * TopicCatalog.MEDIA_MAX_MESSAGE_BYTES);
    config.putAll(cluster.kafkaProperties());
    AvroSerializer<SpecificRecord> values = new AvroSerializer<>();
    values.configure(cluster.serdeConfig(), false);
    try (KafkaProducer<String, SpecificRecord> producer =
        new KafkaProducer<>(config, new StringSerializer(), values)) {
      producer.initTransactions();
      producer.beginTransaction();
      for (RunEvent e : run.events()) {
        RunEvent renamed = RunEvent.newBuilder(e).setRunId(runId).build();
        producer.send(new ProducerRecord<>(topics.runs(), runId, renamed));
      }
      for (MediaBlob m : run.media()) {
        producer.send(new ProducerRecord<>(topics.media(), m.getSha256(), m));
      }
      for (InferenceRequest r : run.requests()) {
        InferenceRequest renamed = InferenceRequest.newBuilder(r).setRunId(runId).build();
        producer.send(new ProducerRecord<>(topics.requests(), r.getSessionId(), renamed));
      }
      producer.commitTransaction();
    }
    // the commit markers reach the partitions after commitTransaction returns: wait until a
    // read_committed reader sees the run, so what follows (export, replay) finds it
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!visible(cluster, runId)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "run " + runId + ": imported, but not visible to readers within " + TIMEOUT);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for run " + runId, e);
      }
    }
    long bytes;
    try {
      bytes = Files.size(file);
    } catch (IOException e) {
      bytes = -1;
    }
    return new Summary(
        runId, run.events().size(), run.media().size(), run.requests().size(), bytes);
  }
}
