package dev.streamperf.schemas.serde;

import dev.streamperf.schemas.registry.CompatibilityLevel;
import dev.streamperf.schemas.registry.SchemaRegistries;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

/**
 * Configuration of the Avro serde, with the Confluent serde's key names so existing client configs
 * carry over. Every key is declared once here with its doc and validator.
 */
public final class AvroSerdeConfig extends AbstractConfig {

  public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
  public static final String USE_LATEST_VERSION = "use.latest.version";
  public static final String BASIC_AUTH_USER_INFO = SchemaRegistries.BASIC_AUTH_USER_INFO;
  public static final String REQUEST_TIMEOUT_MS = SchemaRegistries.REQUEST_TIMEOUT_MS;
  public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
  public static final String SUBJECT_COMPATIBILITY = "subject.compatibility";

  private static final ConfigDef DEF =
      new ConfigDef()
          .define(
              SCHEMA_REGISTRY_URL,
              Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "Registry URL: one or more comma-separated http(s) base URLs of a Confluent-API"
                  + " registry, or mock://NAME for the in-memory registry shared in this JVM.")
          .define(
              AUTO_REGISTER_SCHEMAS,
              Type.BOOLEAN,
              true,
              Importance.MEDIUM,
              "Register the record's schema under its subject when serializing; when false the"
                  + " schema must already be registered.")
          .define(
              USE_LATEST_VERSION,
              Type.BOOLEAN,
              false,
              Importance.LOW,
              "Serialize with the id of the subject's latest version instead of the record's own"
                  + " schema (when auto.register.schemas is false).")
          .define(
              BASIC_AUTH_USER_INFO,
              Type.PASSWORD,
              null,
              Importance.MEDIUM,
              "user:password sent as HTTP basic auth to the registry.")
          .define(
              REQUEST_TIMEOUT_MS,
              Type.LONG,
              30_000L,
              ConfigDef.Range.atLeast(1),
              Importance.LOW,
              "Milliseconds one registry request may take.")
          .define(
              SPECIFIC_AVRO_READER,
              Type.BOOLEAN,
              false,
              Importance.LOW,
              "Generic deserializer only: return the generated class named by the writer schema"
                  + " instead of a GenericRecord.")
          .define(
              SUBJECT_COMPATIBILITY,
              Type.STRING,
              CompatibilityLevel.BACKWARD.name(),
              ConfigDef.ValidString.in(
                  Arrays.stream(CompatibilityLevel.values())
                      .map(Enum::name)
                      .toArray(String[]::new)),
              Importance.LOW,
              "Compatibility level set on a subject that has none when this serde first registers"
                  + " a schema under it.");

  public AvroSerdeConfig(Map<?, ?> props) {
    super(DEF, props, false);
  }

  /** The declared keys with their docs, e.g. for a CLI's help. */
  public static ConfigDef configDef() {
    return new ConfigDef(DEF);
  }

  String registryUrl() {
    return getString(SCHEMA_REGISTRY_URL);
  }

  boolean autoRegister() {
    return getBoolean(AUTO_REGISTER_SCHEMAS);
  }

  boolean useLatestVersion() {
    return getBoolean(USE_LATEST_VERSION);
  }

  boolean specificReader() {
    return getBoolean(SPECIFIC_AVRO_READER);
  }

  CompatibilityLevel subjectCompatibility() {
    return CompatibilityLevel.parse(getString(SUBJECT_COMPATIBILITY));
  }

  /** The settings the registry client takes. */
  Map<String, Object> registryClientConfig() {
    Map<String, Object> config = new HashMap<>();
    Password userInfo = getPassword(BASIC_AUTH_USER_INFO);
    if (userInfo != null) {
      config.put(BASIC_AUTH_USER_INFO, userInfo.value());
    }
    config.put(REQUEST_TIMEOUT_MS, getLong(REQUEST_TIMEOUT_MS));
    return config;
  }
}
