package dev.streamperf.schemas.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the catalogue's topics through the AdminClient; running it again changes nothing. */
public final class TopicAdmin {

  private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);

  private TopicAdmin() {}

  /** What {@link #ensureTopics} found and did. */
  public record Report(List<String> created, List<String> existing, List<String> warnings) {}

  /**
   * Creates every missing topic of the catalogue with its partitions and configs. Existing topics
   * are left as they are, but a compacted topic that is not compacted (or the reverse) fails: the
   * pipeline's correctness depends on it. Fewer partitions than specified only warns. Returns once
   * every partition of the topics it created is served by its leader.
   *
   * @throws IllegalStateException when an existing topic has the wrong cleanup policy
   * @throws org.apache.kafka.common.KafkaException when the cluster cannot be reached in time
   */
  public static Report ensureTopics(Admin admin, TopicCatalog catalog, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Set<String> present = get(admin.listTopics().names(), deadline, "list topics");
    List<NewTopic> toCreate = new ArrayList<>();
    List<String> existing = new ArrayList<>();
    for (TopicSpec spec : catalog.specs()) {
      if (present.contains(spec.name())) {
        existing.add(spec.name());
      } else {
        toCreate.add(
            new NewTopic(
                    spec.name(),
                    Optional.of(spec.partitions()),
                    spec.replicationFactor() < 0
                        ? Optional.empty()
                        : Optional.of(spec.replicationFactor()))
                .configs(spec.configs()));
      }
    }
    List<String> created = new ArrayList<>();
    if (!toCreate.isEmpty()) {
      Map<String, KafkaFuture<Void>> futures =
          admin.createTopics(toCreate, new CreateTopicsOptions()).values();
      for (Map.Entry<String, KafkaFuture<Void>> e : futures.entrySet()) {
        try {
          get(e.getValue(), deadline, "create topic " + e.getKey());
          created.add(e.getKey());
          log.info("Created topic {}", e.getKey());
        } catch (IllegalStateException ex) {
          if (ex.getCause() instanceof TopicExistsException) {
            existing.add(e.getKey()); // created concurrently by another process
          } else {
            throw ex;
          }
        }
      }
      awaitLeaders(admin, catalog, created, deadline);
    }
    List<String> warnings =
        existing.isEmpty() ? List.of() : check(admin, catalog, existing, deadline);
    return new Report(List.copyOf(created), List.copyOf(existing), warnings);
  }

  /**
   * Waits until each partition of the new topics answers a ListOffsets from its leader. Creation
   * returns when the controller has decided the leaders, which can be before the broker acts on it;
   * a producer writing in between gets NOT_LEADER_OR_FOLLOWER, and an idempotent one could then
   * retry into an out-of-order sequence it never left (seen once in CI, on a topic made
   * milliseconds before). Until then the broker may also not know the topic at all; both errors are
   * retriable, and are retried here until the deadline.
   */
  private static void awaitLeaders(
      Admin admin, TopicCatalog catalog, List<String> topics, long deadline) {
    if (topics.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
    for (TopicSpec spec : catalog.specs()) {
      if (topics.contains(spec.name())) {
        for (int p = 0; p < spec.partitions(); p++) {
          partitions.put(new TopicPartition(spec.name(), p), OffsetSpec.latest());
        }
      }
    }
    while (true) {
      try {
        get(admin.listOffsets(partitions).all(), deadline, "wait for the leaders of " + topics);
        return;
      } catch (IllegalStateException e) {
        if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
          throw e;
        }
      }
      try {
        TimeUnit.MILLISECONDS.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("wait for the leaders of " + topics + ": interrupted", e);
      }
    }
  }

  private static List<String> check(
      Admin admin, TopicCatalog catalog, List<String> existing, long deadline) {
    Set<String> names = new HashSet<>(existing);
    Map<String, TopicDescription> descriptions =
        get(admin.describeTopics(names).allTopicNames(), deadline, "describe topics");
    List<ConfigResource> resources =
        names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
    Map<ConfigResource, Config> configs =
        get(admin.describeConfigs(resources).all(), deadline, "describe topic configs");
    List<String> warnings = new ArrayList<>();
    for (TopicSpec spec : catalog.specs()) {
      if (!names.contains(spec.name())) {
        continue;
      }
      Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
      String policy =
          config == null || config.get("cleanup.policy") == null
              ? "delete"
              : config.get("cleanup.policy").value();
      boolean compacted = policy.contains("compact");
      if (compacted != spec.compacted()) {
        throw new IllegalStateException(
            "topic "
                + spec.name()
                + " has cleanup.policy="
                + policy
                + " (expected: "
                + spec.configs().get("cleanup.policy")
                + "); delete it or fix its config");
      }
      int partitions = descriptions.get(spec.name()).partitions().size();
      if (partitions < spec.partitions()) {
        String warning =
            "topic "
                + spec.name()
                + " has "
                + partitions
                + " partitions (catalogue: "
                + spec.partitions()
                + "); at most "
                + partitions
                + " consumers of it can work in parallel";
        log.warn(warning);
        warnings.add(warning);
      }
    }
    return List.copyOf(warnings);
  }

  private static <T> T get(KafkaFuture<T> future, long deadlineNanos, String what) {
    long remaining = Math.max(1, deadlineNanos - System.nanoTime());
    try {
      return future.get(remaining, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + ": interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(what + ": no answer from the cluster in time", e);
    }
  }
}
