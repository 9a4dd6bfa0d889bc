package dev.streamperf.schemas.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The topics of one streamperf installation: their names (a configurable prefix plus a fixed
 * suffix), partition counts, cleanup policies and size limits. Immutable; build with {@link
 * #builder()} or take {@link #defaults()}.
 */
public final class TopicCatalog {

  /** The default name prefix. */
  public static final String DEFAULT_PREFIX = "streamperf.";

  /** Default partitions of the per-request topics: the maximum useful number of workers. */
  public static final int DEFAULT_PARTITIONS = 12;

  /** {@code max.message.bytes} of the media topic: 16 MiB. Producers of media need as much. */
  public static final int MEDIA_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  private static final Pattern LEGAL_PREFIX = Pattern.compile("[a-zA-Z0-9._-]*");

  private final String prefix;
  private final Map<TopicRole, TopicSpec> specs;

  private TopicCatalog(Builder builder) {
    this.prefix = builder.prefix;
    Map<TopicRole, TopicSpec> map = new EnumMap<>(TopicRole.class);
    for (TopicRole role : TopicRole.values()) {
      map.put(role, builder.specOf(role));
    }
    this.specs = map;
  }

  /** The catalogue with prefix {@value #DEFAULT_PREFIX} and default sizes. */
  public static TopicCatalog defaults() {
    return builder().build();
  }

  /** The catalogue with the given prefix and default sizes. */
  public static TopicCatalog withPrefix(String prefix) {
    return builder().prefix(prefix).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public String prefix() {
    return prefix;
  }

  /** The full topic name of a role. */
  public String name(TopicRole role) {
    return specs.get(role).name();
  }

  public TopicSpec spec(TopicRole role) {
    return specs.get(role);
  }

  /** Every topic, in {@link TopicRole} order. */
  public List<TopicSpec> specs() {
    return List.copyOf(specs.values());
  }

  public String runs() {
    return name(TopicRole.RUNS);
  }

  public String requests() {
    return name(TopicRole.REQUESTS);
  }

  public String media() {
    return name(TopicRole.MEDIA);
  }

  public String tokenEvents() {
    return name(TopicRole.TOKEN_EVENTS);
  }

  public String results() {
    return name(TopicRole.RESULTS);
  }

  public String scores() {
    return name(TopicRole.SCORES);
  }

  public String metrics() {
    return name(TopicRole.METRICS);
  }

  @Override
  public String toString() {
    return "TopicCatalog" + new ArrayList<>(specs.values());
  }

  /** Builds a {@link TopicCatalog}; every setter checks its argument. */
  public static final class Builder {
    private String prefix = DEFAULT_PREFIX;
    private int partitions = DEFAULT_PARTITIONS;
    private short replicationFactor = -1;
    private Duration rawRetention;

    private Builder() {}

    /** Topic name prefix, default {@value #DEFAULT_PREFIX}; may be empty. */
    public Builder prefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (!LEGAL_PREFIX.matcher(prefix).matches()) {
        throw new IllegalArgumentException(
            "topic prefix: '" + prefix + "' (expected: letters, digits, '.', '_' or '-')");
      }
      this.prefix = prefix;
      return this;
    }

    /** Partitions of requests, token-events, results and scores; default 12. */
    public Builder partitions(int partitions) {
      if (partitions <= 0) {
        throw new IllegalArgumentException("partitions: " + partitions + " (expected: > 0)");
      }
      this.partitions = partitions;
      return this;
    }

    /** Replication factor of every topic; -1 (default) takes the broker's default. */
    public Builder replicationFactor(int replicationFactor) {
      if (replicationFactor == 0 || replicationFactor < -1 || replicationFactor > Short.MAX_VALUE) {
        throw new IllegalArgumentException(
            "replication factor: "
                + replicationFactor
                + " (expected: -1 or 1.."
                + Short.MAX_VALUE
                + ")");
      }
      this.replicationFactor = (short) replicationFactor;
      return this;
    }

    /**
     * {@code retention.ms} of the raw topics (requests, token-events, results, scores); null
     * (default) keeps the broker's default. Compacted topics keep their latest values regardless.
     */
    public Builder rawRetention(Duration retention) {
      if (retention != null && (retention.isNegative() || retention.isZero())) {
        throw new IllegalArgumentException("raw retention: " + retention + " (expected: > 0)");
      }
      this.rawRetention = retention;
      return this;
    }

    public TopicCatalog build() {
      return new TopicCatalog(this);
    }

    private TopicSpec specOf(TopicRole role) {
      Map<String, String> configs = new LinkedHashMap<>();
      int count;
      switch (role) {
        case RUNS -> {
          count = 1;
          configs.put("cleanup.policy", "compact");
        }
        case MEDIA -> {
          count = Math.max(1, partitions / 2);
          configs.put("cleanup.policy", "compact");
          configs.put("max.message.bytes", Integer.toString(MEDIA_MAX_MESSAGE_BYTES));
        }
        case METRICS -> {
          count = Math.max(1, partitions / 2);
          configs.put("cleanup.policy", "delete");
        }
        default -> {
          count = partitions;
          configs.put("cleanup.policy", "delete");
          if (rawRetention != null) {
            configs.put("retention.ms", Long.toString(rawRetention.toMillis()));
          }
        }
      }
      return new TopicSpec(role, prefix + role.suffix(), count, replicationFactor, configs);
    }
  }
}
