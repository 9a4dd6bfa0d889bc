package dev.streamperf.metrics.streams;

import dev.streamperf.metrics.summary.RunInfo;
import dev.streamperf.metrics.summary.SummaryBuilder;
import dev.streamperf.schemas.RunEvent;
import dev.streamperf.schemas.RunStatus;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serde;

/**
 * What the per-run stage knows about one run: the producer's latest announcement, the counts that
 * decide completion, how far each input partition has got (watermarks), which windows are closed,
 * late records, and how the run finished. Kept in a logged store, so it survives restarts exactly.
 */
public final class RunState {

  private static final byte VERSION = 1;

  private final String runId;
  private RunEvent announcement;
  private long producedWallMs = -1;
  private boolean finished;
  private long finishedUs = -1;
  private long finishedWallMs = -1;
  private String message;
  private long results;
  private long scorable;
  private long scores;
  private long lateRecords;
  private long recordsAfterFinish;
  private long maxEventUs = Long.MIN_VALUE;
  private long lastProgressWallMs = -1;
  private long lastActivityWallMs;
  private long closedThroughUs = Long.MIN_VALUE;
  private final TreeSet<String> scopes = new TreeSet<>();

  RunState(String runId) {
    this.runId = runId;
  }

  public String runId() {
    return runId;
  }

  /** The producer's latest announcement, or null when the run was never announced. */
  public RunEvent announcement() {
    return announcement;
  }

  public boolean finished() {
    return finished;
  }

  /** How the run finished or why it was aborted; null while running. */
  public String message() {
    return message;
  }

  /** Results of every phase, one per request id. */
  public long results() {
    return results;
  }

  public long scorable() {
    return scorable;
  }

  public long scores() {
    return scores;
  }

  /** Records whose window had closed when they arrived. */
  public long lateRecords() {
    return lateRecords;
  }

  /** Records that arrived after the run finished (counted in the totals). */
  public long recordsAfterFinish() {
    return recordsAfterFinish;
  }

  /** The producer's final request count, or -1 while unknown. */
  public long producedRequests() {
    return SummaryBuilder.producedRequests(announcement);
  }

  public long warmupRequests() {
    return SummaryBuilder.warmupRequests(announcement);
  }

  /** Windows ending at or before this instant (epoch µs) are closed. */
  public long closedThroughUs() {
    return closedThroughUs;
  }

  /** The run's scopes (model, endpoint) that have records. */
  public List<Scope> scopes() {
    List<Scope> out = new ArrayList<>();
    for (String s : scopes) {
      int sep = s.indexOf(Scope.SEPARATOR);
      out.add(new Scope(runId, s.substring(0, sep), s.substring(sep + 1)));
    }
    return out;
  }

  /** The models of the run's records. */
  public SortedSet<String> models() {
    TreeSet<String> out = new TreeSet<>();
    scopes().forEach(s -> out.add(s.model()));
    return out;
  }

  /** The endpoints of the run's records. */
  public SortedSet<String> endpoints() {
    TreeSet<String> out = new TreeSet<>();
    scopes().forEach(s -> out.add(s.endpoint()));
    return out;
  }

  /** What the runs topic and this stage say about the run, for summaries. */
  public RunInfo info() {
    String model = announcement != null ? announcement.getModel() : firstOrNull(models());
    if (announcement == null) {
      RunInfo u = RunInfo.unannounced(model);
      return finished
          ? new RunInfo(
              RunInfo.UNANNOUNCED,
              true,
              model,
              List.of(),
              null,
              null,
              null,
              null,
              finishedUs,
              message)
          : u;
    }
    String status;
    if (!finished) {
      status = announcement.getStatus().name();
    } else {
      status = announcement.getStatus() == RunStatus.ABORTED ? "ABORTED" : "FINISHED";
    }
    return new RunInfo(
        status,
        finished,
        announcement.getModel(),
        announcement.getEndpoints(),
        announcement.getConfig(),
        announcement.getProducerId(),
        announcement.getReplayOf(),
        announcement.getCreatedUs(),
        finished ? Long.valueOf(finishedUs) : announcement.getFinishedUs(),
        finished ? message : announcement.getMessage());
  }

  private static String firstOrNull(SortedSet<String> s) {
    return s.isEmpty() ? null : s.first();
  }

  long producedWallMs() {
    return producedWallMs;
  }

  long lastProgressWallMs() {
    return lastProgressWallMs;
  }

  long lastActivityWallMs() {
    return lastActivityWallMs;
  }

  long finishedWallMs() {
    return finishedWallMs;
  }

  long maxEventUs() {
    return maxEventUs;
  }

  void touch(long wallMs) {
    lastActivityWallMs = wallMs;
  }

  void addScope(Scope scope) {
    scopes.add(scope.model() + Scope.SEPARATOR + scope.endpoint());
  }

  /** Counts a delta's completion-relevant records. */
  void counted(long addResults, long addScorable, long addScores, long eventUs, long wallMs) {
    results += addResults;
    scorable += addScorable;
    scores += addScores;
    if (addResults > 0 || addScores > 0) {
      lastProgressWallMs = wallMs;
    }
    maxEventUs = Math.max(maxEventUs, eventUs);
  }

  void late(long records) {
    lateRecords += records;
  }

  void afterFinish(long records) {
    recordsAfterFinish += records;
  }

  void closedThrough(long endUs) {
    closedThroughUs = Math.max(closedThroughUs, endUs);
  }

  /**
   * Takes a record of the runs topic. The producer's STARTED, PRODUCED and ABORTED replace the
   * announcement (never back from PRODUCED to STARTED); a FINISHED (ours, from an earlier
   * incarnation under another application id, or another instance's) only supplies the producer's
   * fields when nothing else was seen: this stage decides completion itself.
   */
  void announce(RunEvent e, long wallMs) {
    RunStatus status = e.getStatus();
    switch (status) {
      case STARTED -> {
        if (announcement == null || announcement.getStatus() == RunStatus.STARTED) {
          announcement = e;
        }
      }
      case PRODUCED, ABORTED -> {
        announcement = e;
        if (producedWallMs < 0) {
          producedWallMs = wallMs;
        }
      }
      case FINISHED -> {
        if (announcement == null || announcement.getStatus() == RunStatus.STARTED) {
          announcement = RunEvent.newBuilder(e).setStatus(RunStatus.PRODUCED).build();
          if (producedWallMs < 0) {
            producedWallMs = wallMs;
          }
        }
      }
    }
  }

  boolean aborted() {
    return announcement != null && announcement.getStatus() == RunStatus.ABORTED;
  }

  void finish(String how, long nowUs, long wallMs) {
    finished = true;
    message = how;
    finishedUs = nowUs;
    finishedWallMs = wallMs;
  }

  static Serde<RunState> serde() {
    return Codecs.serde("run state", RunState::write, RunState::read);
  }

  private static void write(RunState s, DataOutputStream out) throws IOException {
    out.writeByte(VERSION);
    out.writeUTF(s.runId);
    out.writeBoolean(s.announcement != null);
    if (s.announcement != null) {
      Codecs.writeRunEvent(s.announcement, out);
    }
    out.writeLong(s.producedWallMs);
    out.writeBoolean(s.finished);
    out.writeLong(s.finishedUs);
    out.writeLong(s.finishedWallMs);
    out.writeBoolean(s.message != null);
    if (s.message != null) {
      out.writeUTF(s.message);
    }
    out.writeLong(s.results);
    out.writeLong(s.scorable);
    out.writeLong(s.scores);
    out.writeLong(s.lateRecords);
    out.writeLong(s.recordsAfterFinish);
    out.writeLong(s.maxEventUs);
    out.writeLong(s.lastProgressWallMs);
    out.writeLong(s.lastActivityWallMs);
    out.writeLong(s.closedThroughUs);
    out.writeInt(s.scopes.size());
    for (String scope : s.scopes) {
      out.writeUTF(scope);
    }
  }

  private static RunState read(DataInputStream in) throws IOException {
    byte version = in.readByte();
    if (version != VERSION) {
      throw new IOException("run state version " + version + " (expected: " + VERSION + ")");
    }
    RunState s = new RunState(in.readUTF());
    if (in.readBoolean()) {
      s.announcement = Codecs.readRunEvent(in);
    }
    s.producedWallMs = in.readLong();
    s.finished = in.readBoolean();
    s.finishedUs = in.readLong();
    s.finishedWallMs = in.readLong();
    if (in.readBoolean()) {
      s.message = in.readUTF();
    }
    s.results = in.readLong();
    s.scorable = in.readLong();
    s.scores = in.readLong();
    s.lateRecords = in.readLong();
    s.recordsAfterFinish = in.readLong();
    s.maxEventUs = in.readLong();
    s.lastProgressWallMs = in.readLong();
    s.lastActivityWallMs = in.readLong();
    s.closedThroughUs = in.readLong();
    int m = in.readInt();
    for (int i = 0; i < m; i++) {
      s.scopes.add(in.readUTF());
    }
    return s;
  }
}
