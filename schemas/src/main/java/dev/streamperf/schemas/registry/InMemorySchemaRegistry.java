package dev.streamperf.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * A registry in memory with the semantics of the Confluent API: global ids shared by identical
 * schemas, versions per subject, compatibility checked on registration (default BACKWARD). For
 * {@code mock://NAME} URLs: every client of the same name in a JVM sees the same registry, as the
 * Confluent serde's {@code mock://} convention does, so a producer and a Streams app in one process
 * agree on ids.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {

  private static final ConcurrentMap<String, InMemorySchemaRegistry> BY_NAME =
      new ConcurrentHashMap<>();

  private final String name;
  private final Map<String, Integer> idsBySchemaText = new HashMap<>();
  private final Map<Integer, Schema> schemasById = new HashMap<>();
  private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();
  private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
  private final CompatibilityLevel defaultLevel = CompatibilityLevel.BACKWARD;
  private int nextId = 1;

  private InMemorySchemaRegistry(String name) {
    this.name = name;
  }

  /** The shared registry of a {@code mock://NAME} URL, created on first use. */
  public static InMemorySchemaRegistry named(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(
          "mock registry name: '" + name + "' (expected: non-empty)");
    }
    return BY_NAME.computeIfAbsent(name, InMemorySchemaRegistry::new);
  }

  /** Forgets the shared registry of that name (tests use it to start clean). */
  public static void drop(String name) {
    BY_NAME.remove(name);
  }

  @Override
  public synchronized int register(String subject, Schema schema) {
    Optional<RegisteredSchema> existing = lookup(subject, schema);
    if (existing.isPresent()) {
      return existing.get().id();
    }
    CompatibilityResult compatibility = testCompatibility(subject, schema);
    if (!compatibility.compatible()) {
      throw new SchemaRegistryException(
          url(),
          409,
          SchemaRegistryException.INCOMPATIBLE_SCHEMA,
          "schema being registered is incompatible with an earlier schema for subject "
              + subject
              + ": "
              + compatibility.messages());
    }
    int id = idsBySchemaText.computeIfAbsent(schema.toString(), text -> nextId++);
    schemasById.putIfAbsent(id, schema);
    versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
    return id;
  }

  @Override
  public synchronized Optional<RegisteredSchema> lookup(String subject, Schema schema) {
    Integer id = idsBySchemaText.get(schema.toString());
    List<Integer> versions = versionsBySubject.get(subject);
    if (id == null || versions == null || !versions.contains(id)) {
      return Optional.empty();
    }
    return Optional.of(
        new RegisteredSchema(subject, id, versions.indexOf(id) + 1, schemasById.get(id)));
  }

  @Override
  public synchronized Schema getById(int id) {
    Schema schema = schemasById.get(id);
    if (schema == null) {
      throw new SchemaRegistryException(
          url(), 404, SchemaRegistryException.SCHEMA_NOT_FOUND, "schema " + id + " not found");
    }
    return schema;
  }

  @Override
  public synchronized Optional<RegisteredSchema> latest(String subject) {
    List<Integer> versions = versionsBySubject.get(subject);
    if (versions == null || versions.isEmpty()) {
      return Optional.empty();
    }
    int id = versions.get(versions.size() - 1);
    return Optional.of(new RegisteredSchema(subject, id, versions.size(), schemasById.get(id)));
  }

  @Override
  public synchronized CompatibilityResult testCompatibility(String subject, Schema schema) {
    List<Integer> versions = versionsBySubject.getOrDefault(subject, List.of());
    if (versions.isEmpty()) {
      return CompatibilityResult.ok();
    }
    CompatibilityLevel level = subjectLevels.getOrDefault(subject, defaultLevel);
    List<Integer> against =
        switch (level) {
          case NONE -> List.of();
          case BACKWARD, FORWARD, FULL -> List.of(versions.get(versions.size() - 1));
          default -> versions;
        };
    List<String> messages = new ArrayList<>();
    for (int id : against) {
      Schema earlier = schemasById.get(id);
      boolean backward = level.name().startsWith("BACKWARD") || level.name().startsWith("FULL");
      boolean forward = level.name().startsWith("FORWARD") || level.name().startsWith("FULL");
      if (backward) {
        describe(
            SchemaCompatibility.checkReaderWriterCompatibility(schema, earlier),
            "BACKWARD",
            messages);
      }
      if (forward) {
        describe(
            SchemaCompatibility.checkReaderWriterCompatibility(earlier, schema),
            "FORWARD",
            messages);
      }
    }
    return new CompatibilityResult(messages.isEmpty(), messages);
  }

  private static void describe(SchemaPairCompatibility pair, String direction, List<String> out) {
    if (pair.getType() != SchemaCompatibilityType.COMPATIBLE) {
      pair.getResult()
          .getIncompatibilities()
          .forEach(
              i ->
                  out.add(
                      direction
                          + ": "
                          + i.getType()
                          + " at "
                          + i.getLocation()
                          + ": "
                          + i.getMessage()));
    }
  }

  @Override
  public synchronized Optional<CompatibilityLevel> subjectCompatibility(String subject) {
    return Optional.ofNullable(subjectLevels.get(subject));
  }

  @Override
  public synchronized void setSubjectCompatibility(String subject, CompatibilityLevel level) {
    subjectLevels.put(subject, level);
  }

  @Override
  public synchronized List<String> subjects() {
    return versionsBySubject.keySet().stream().sorted().toList();
  }

  @Override
  public String url() {
    return SchemaRegistries.MOCK_SCHEME + name;
  }

  /** Does nothing: the registry is shared by every client of its name. */
  @Override
  public void close() {}
}
