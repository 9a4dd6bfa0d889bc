package dev.streamperf.worker.commit;

import dev.streamperf.worker.metrics.WorkerMetrics;
import dev.streamperf.worker.session.SessionOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's one transactional producer and the thread that drives it. Finished sessions, the
 * starts of requests and the records fetched arrive as events from any thread; the thread applies
 * them to each partition's {@link PartitionLedger} and commits eagerly: as soon as anything changed
 * it runs one transaction (results, token events, consumed offsets with their metadata), and
 * whatever arrives while that commit is in flight goes into the next one (group commit, at most one
 * transaction open). An aborted transaction is retried with the same outputs; a fenced producer
 * stops the worker.
 */
public final class TransactionalCommitter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TransactionalCommitter.class);

  /** Bound of the offset metadata text; brokers accept 4096 by default. */
  static final int MAX_METADATA_CHARS = 3_900;

  private sealed interface Event
      permits Assigned, Fetched, Started, Completed, Revoked, Lost, Flush {}

  private record Assigned(TopicPartition tp, long epoch, long committed, byte[] inherited)
      implements Event {}

  private record Fetched(TopicPartition tp, long epoch, long offset, boolean done)
      implements Event {}

  private record Started(TopicPartition tp, long epoch, long offset) implements Event {}

  private record Completed(TopicPartition tp, long epoch, long offset, SessionOutcome outcome)
      implements Event {}

  private record Revoked(Collection<TopicPartition> tps, CompletableFuture<Void> done)
      implements Event {}

  private record Lost(Collection<TopicPartition> tps) implements Event {}

  private record Flush(CompletableFuture<Void> done) implements Event {}

  private final Supplier<Producer<String, SpecificRecord>> producerFactory;
  private final ResultRecords records;
  private final WorkerMetrics metrics;
  private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
  private final Map<TopicPartition, PartitionLedger<List<ProducerRecord<String, SpecificRecord>>>>
      ledgers = new HashMap<>();
  private final List<CompletableFuture<Void>> flushes = new ArrayList<>();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private final Thread thread;
  private volatile ConsumerGroupMetadata groupMetadata;
  private volatile boolean parked;
  private volatile boolean closing;
  private volatile Throwable fatal;
  private Producer<String, SpecificRecord> producer;

  /**
   * @param producerFactory makes the transactional producer (on the committer thread)
   */
  public TransactionalCommitter(
      Supplier<Producer<String, SpecificRecord>> producerFactory,
      ResultRecords records,
      WorkerMetrics metrics,
      String name) {
    this.producerFactory = producerFactory;
    this.records = records;
    this.metrics = metrics;
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
  }

  /** Starts the thread and waits until the producer's transactions are initialized. */
  public void start(Duration timeout) {
    CompletableFuture<Void> ready = new CompletableFuture<>();
    events.add(new Flush(ready));
    thread.start();
    try {
      ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(
          "the transactional producer did not start within " + timeout + ": " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  /** The failure that stopped the committer, or null while it runs. */
  public Throwable fatal() {
    return fatal;
  }

  /** Completes when the committer thread has ended. */
  public CompletableFuture<Void> stopped() {
    return stopped;
  }

  /** The consumer's group metadata, for fencing; set after every poll. */
  public void groupMetadata(ConsumerGroupMetadata metadata) {
    this.groupMetadata = metadata;
  }

  public void assigned(TopicPartition tp, long epoch, long committedOffset, byte[] inherited) {
    offer(new Assigned(tp, epoch, committedOffset, inherited));
  }

  public void fetched(TopicPartition tp, long epoch, long offset, boolean done) {
    offer(new Fetched(tp, epoch, offset, done));
  }

  public void started(TopicPartition tp, long epoch, long offset) {
    offer(new Started(tp, epoch, offset));
  }

  public void completed(TopicPartition tp, long epoch, long offset, SessionOutcome outcome) {
    offer(new Completed(tp, epoch, offset, outcome));
  }

  /** Commits what is done on these partitions, then forgets them. */
  public CompletableFuture<Void> revoked(Collection<TopicPartition> tps) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    offer(new Revoked(List.copyOf(tps), done));
    return done;
  }

  /** Forgets these partitions without committing: another member owns them already. */
  public void lost(Collection<TopicPartition> tps) {
    offer(new Lost(List.copyOf(tps)));
  }

  /** Completes once everything done before this call is committed. */
  public CompletableFuture<Void> flush() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    offer(new Flush(done));
    return done;
  }

  private void offer(Event event) {
    events.add(event);
    if (parked) {
      LockSupport.unpark(thread);
    }
  }

  private void run() {
    try {
      producer = producerFactory.get();
      producer.initTransactions();
      while (true) {
        boolean changed = drain();
        if (fatal != null) {
          break;
        }
        if (commitIfDirty()) {
          continue;
        }
        completeFlushes();
        if (closing && events.isEmpty()) {
          break;
        }
        if (!changed) {
          parked = true;
          if (events.isEmpty()) {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
          }
          parked = false;
        }
      }
    } catch (RuntimeException | Error e) {
      fatal = e;
      log.error("committer stopped: {}", e.toString(), e);
    } finally {
      failPending();
      if (producer != null) {
        try {
          producer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
          log.warn("closing the producer: {}", e.toString());
        }
      }
      stopped.complete(null);
    }
  }

  private void failPending() {
    IllegalStateException stoppedError = new IllegalStateException("committer stopped", fatal);
    for (CompletableFuture<Void> f : flushes) {
      f.completeExceptionally(stoppedError);
    }
    Event e;
    while ((e = events.poll()) != null) {
      if (e instanceof Flush f) {
        f.done().completeExceptionally(stoppedError);
      } else if (e instanceof Revoked r) {
        r.done().completeExceptionally(stoppedError);
      }
    }
  }

  /** Applies queued events. Returns whether there were any. */
  private boolean drain() {
    boolean any = false;
    Event e;
    while ((e = events.poll()) != null) {
      any = true;
      apply(e);
      if (fatal != null) {
        return true;
      }
    }
    return any;
  }

  private void apply(Event event) {
    if (event instanceof Assigned a) {
      ledgers.put(a.tp(), new PartitionLedger<>(a.tp(), a.epoch(), a.committed(), a.inherited()));
    } else if (event instanceof Fetched f) {
      var ledger = ledger(f.tp(), f.epoch());
      if (ledger != null) {
        ledger.fetched(f.offset(), f.done());
      }
    } else if (event instanceof Started s) {
      var ledger = ledger(s.tp(), s.epoch());
      if (ledger != null) {
        ledger.started(s.offset());
      }
    } else if (event instanceof Completed c) {
      var ledger = ledger(c.tp(), c.epoch());
      if (ledger != null) {
        ledger.completed(c.offset(), records.build(c.outcome()));
      }
    } else if (event instanceof Revoked r) {
      try {
        commitIfDirty();
      } finally {
        r.tps().forEach(ledgers::remove);
        r.done().complete(null);
      }
    } else if (event instanceof Lost l) {
      l.tps().forEach(ledgers::remove);
    } else if (event instanceof Flush f) {
      flushes.add(f.done());
    }
  }

  private PartitionLedger<List<ProducerRecord<String, SpecificRecord>>> ledger(
      TopicPartition tp, long epoch) {
    var ledger = ledgers.get(tp);
    return ledger != null && ledger.epoch() == epoch ? ledger : null;
  }

  private void completeFlushes() {
    if (flushes.isEmpty()) {
      return;
    }
    for (var ledger : ledgers.values()) {
      if (ledger.dirty()) {
        return;
      }
    }
    flushes.forEach(f -> f.complete(null));
    flushes.clear();
  }

  /** Runs one transaction if any partition changed. Returns whether it committed one. */
  private boolean commitIfDirty() {
    ConsumerGroupMetadata group = groupMetadata;
    if (group == null) {
      return false;
    }
    List<PartitionLedger.Plan<List<ProducerRecord<String, SpecificRecord>>>> plans =
        new ArrayList<>();
    for (var ledger : ledgers.values()) {
      var plan = ledger.plan(MAX_METADATA_CHARS);
      if (plan != null) {
        plans.add(plan);
      }
    }
    if (plans.isEmpty()) {
      return false;
    }
    long start = System.nanoTime();
    int sent = 0;
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    try {
      producer.beginTransaction();
      for (var plan : plans) {
        for (var entry : plan.include()) {
          for (ProducerRecord<String, SpecificRecord> record : entry.outputs) {
            producer.send(record);
            sent++;
          }
        }
        offsets.put(plan.partition(), new OffsetAndMetadata(plan.offset(), plan.metadata()));
      }
      producer.sendOffsetsToTransaction(offsets, group);
      producer.commitTransaction();
    } catch (ProducerFencedException
        | OutOfOrderSequenceException
        | AuthorizationException
        | UnsupportedVersionException e) {
      fatal = e;
      log.error("transaction failed fatally ({}); the worker stops", e.toString());
      return false;
    } catch (KafkaException e) {
      log.warn("transaction of {} records and offsets {} aborted: {}", sent, offsets, e.toString());
      metrics.aborted();
      try {
        producer.abortTransaction();
      } catch (KafkaException abortFailure) {
        fatal = abortFailure;
        log.error("aborting the transaction failed; the worker stops", abortFailure);
        return false;
      }
      for (var plan : plans) {
        var ledger = ledgers.get(plan.partition());
        if (ledger != null) {
          ledger.aborted(plan);
        }
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // do not spin on a sick broker
      return false;
    }
    for (var plan : plans) {
      var ledger = ledgers.get(plan.partition());
      if (ledger != null) {
        ledger.committed(plan);
      }
    }
    long took = System.nanoTime() - start;
    metrics.committed(took, sent);
    if (took > TimeUnit.SECONDS.toNanos(1)) {
      log.warn(
          "a transaction of {} records on {} partitions took {} ms",
          sent,
          plans.size(),
          TimeUnit.NANOSECONDS.toMillis(took));
    }
    return true;
  }

  /**
   * Commits what is left and stops the thread.
   *
   * @param timeout how long to wait for it
   */
  public void close(Duration timeout) {
    closing = true;
    LockSupport.unpark(thread);
    try {
      stopped.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("committer did not stop within {}", timeout);
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
