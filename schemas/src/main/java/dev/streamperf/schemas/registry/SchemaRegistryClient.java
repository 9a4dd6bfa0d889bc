package dev.streamperf.schemas.registry;

import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The Schema Registry operations streamperf uses, as the Confluent REST API defines them. Two
 * implementations: {@link RestSchemaRegistryClient} for any Confluent-API registry (Confluent,
 * Apicurio's ccompat API, Redpanda, Karapace) and {@link InMemorySchemaRegistry} for {@code
 * mock://NAME} URLs. Create them with {@link SchemaRegistries#connect}.
 *
 * <p>Failures throw {@link SchemaRegistryException}, which names the registry URL, the HTTP status
 * and the registry's error code.
 */
public interface SchemaRegistryClient extends AutoCloseable {

  /** Registers a schema under a subject (or finds it already there) and returns its global id. */
  int register(String subject, Schema schema);

  /** The registration of this exact schema under the subject, if it is registered there. */
  Optional<RegisteredSchema> lookup(String subject, Schema schema);

  /** The schema with a global id. */
  Schema getById(int id);

  /** The latest version of a subject, if the subject exists. */
  Optional<RegisteredSchema> latest(String subject);

  /**
   * Whether the schema could be registered as the subject's next version under the subject's
   * compatibility level; a subject that does not exist yet accepts anything.
   */
  CompatibilityResult testCompatibility(String subject, Schema schema);

  /** The compatibility level set on the subject itself, if any (not the global default). */
  Optional<CompatibilityLevel> subjectCompatibility(String subject);

  /** Sets the subject's compatibility level. */
  void setSubjectCompatibility(String subject, CompatibilityLevel level);

  /** Every subject. */
  List<String> subjects();

  /** A description for messages: the URL. */
  String url();

  @Override
  void close();
}
