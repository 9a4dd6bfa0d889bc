package dev.streamperf.producer.replay;

import dev.streamperf.schemas.ContentPart;
import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.MediaBlob;
import dev.streamperf.schemas.Message;
import dev.streamperf.schemas.RunEvent;
import dev.streamperf.schemas.RunStatus;
import dev.streamperf.schemas.Turn;
import dev.streamperf.schemas.cluster.ClusterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * What a cluster holds of one run: its RunEvents in the order written, its committed requests by
 * sequence, and (when asked) the media they reference by SHA-256. The input of replay and export.
 *
 * @param runId the run
 * @param events its RunEvents, oldest first; the last is its current state
 * @param requests its committed requests, by sequence
 * @param media the media its requests reference, by SHA-256 (empty when not read)
 */
public record RunRecords(
    String runId, List<RunEvent> events, List<InferenceRequest> requests, List<MediaBlob> media) {

  /** Margin before the run's creation from which its requests are looked for (clock skew). */
  private static final long SKEW_MS = TimeUnit.MINUTES.toMillis(5);

  public RunRecords {
    events = List.copyOf(events);
    requests = List.copyOf(requests);
    media = List.copyOf(media);
  }

  /** The run's latest RunEvent. */
  public RunEvent latest() {
    return events.get(events.size() - 1);
  }

  /**
   * Reads a run from the cluster.
   *
   * @param withMedia also read the media topic for the media its requests reference
   * @throws IllegalArgumentException when there is no such run, or it is still publishing
   */
  public static RunRecords read(
      ClusterConfig cluster, String runId, boolean withMedia, Duration timeout) {
    List<RunEvent> events = events(cluster, runId, timeout);
    if (events.isEmpty()) {
      throw new IllegalArgumentException(
          "--run " + runId + ": no such run in topic " + cluster.topics().runs());
    }
    // a run that has just ended: its last commit's markers may still be on their way
    long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (events.get(events.size() - 1).getStatus() == RunStatus.STARTED
        && System.nanoTime() < settle) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while reading run " + runId, e);
      }
      events = events(cluster, runId, timeout);
    }
    RunEvent latest = events.get(events.size() - 1);
    if (latest.getStatus() == RunStatus.STARTED) {
      throw new IllegalArgumentException(
          "--run "
              + runId
              + ": still publishing ("
              + latest.getProducedSessions()
              + " sessions so far); wait until it is PRODUCED");
    }
    long since = events.get(0).getCreatedUs() / 1000 - SKEW_MS;
    Map<Long, InferenceRequest> bySequence = new LinkedHashMap<>();
    for (InferenceRequest r :
        TopicScan.scan(
            cluster,
            cluster.topics().requests(),
            InferenceRequest.class,
            Math.max(0, since),
            (key, value) -> runId.equals(value.getRunId()),
            timeout)) {
      bySequence.put(r.getSequence(), r);
    }
    List<InferenceRequest> requests = new ArrayList<>(bySequence.values());
    requests.sort(Comparator.comparingLong(InferenceRequest::getSequence));
    List<MediaBlob> media = List.of();
    if (withMedia) {
      Set<String> referenced = referencedMedia(requests);
      Map<String, MediaBlob> latestBlob = new LinkedHashMap<>();
      if (!referenced.isEmpty()) {
        for (MediaBlob blob :
            TopicScan.scan(
                cluster,
                cluster.topics().media(),
                MediaBlob.class,
                -1,
                (key, value) -> referenced.contains(value.getSha256()),
                timeout)) {
          latestBlob.put(blob.getSha256(), blob);
        }
      }
      List<String> missing = new ArrayList<>(referenced);
      missing.removeAll(latestBlob.keySet());
      if (!missing.isEmpty()) {
        throw new IllegalStateException(
            "run "
                + runId
                + ": "
                + missing.size()
                + " referenced media are not in topic "
                + cluster.topics().media()
                + " (first: "
                + missing.get(0)
                + ")");
      }
      media =
          latestBlob.values().stream().sorted(Comparator.comparing(MediaBlob::getSha256)).toList();
    }
    return new RunRecords(runId, events, requests, media);
  }

  private static List<RunEvent> events(ClusterConfig cluster, String runId, Duration timeout) {
    return TopicScan.scan(
        cluster,
        cluster.topics().runs(),
        RunEvent.class,
        -1,
        (key, value) -> runId.equals(key) && runId.equals(value.getRunId()),
        timeout);
  }

  /** The SHA-256 of every medium the requests reference, sorted. */
  public static Set<String> referencedMedia(List<InferenceRequest> requests) {
    Set<String> out = new TreeSet<>();
    for (InferenceRequest r : requests) {
      for (Turn t : r.getTurns()) {
        for (Message m : t.getMessages()) {
          for (ContentPart p : m.getParts()) {
            if (p.getMediaSha256() != null) {
              out.add(p.getMediaSha256());
            }
          }
        }
      }
    }
    return out;
  }
}
