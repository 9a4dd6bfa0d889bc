package dev.streamperf.schemas.registry;

/**
 * A registry call failed. The message names the URL; {@link #status()} is the HTTP status (0 when
 * none arrived) and {@link #errorCode()} the registry's error code (e.g. 40401 subject not found,
 * 40403 schema not found, 409 incompatible schema; 0 when none).
 */
public class SchemaRegistryException extends RuntimeException {

  /** Confluent error code: subject not found. */
  public static final int SUBJECT_NOT_FOUND = 40401;

  /** Confluent error code: version not found. */
  public static final int VERSION_NOT_FOUND = 40402;

  /** Confluent error code: schema not found. */
  public static final int SCHEMA_NOT_FOUND = 40403;

  /** Confluent error code: the schema is incompatible with an earlier version. */
  public static final int INCOMPATIBLE_SCHEMA = 409;

  /** Confluent error code: the schema is invalid. */
  public static final int INVALID_SCHEMA = 42201;

  private final String url;
  private final int status;
  private final int errorCode;

  public SchemaRegistryException(String url, int status, int errorCode, String message) {
    this(url, status, errorCode, message, null);
  }

  public SchemaRegistryException(
      String url, int status, int errorCode, String message, Throwable cause) {
    super(
        message
            + " ["
            + url
            + (status > 0 ? ", HTTP " + status : "")
            + (errorCode > 0 ? ", error code " + errorCode : "")
            + "]",
        cause);
    this.url = url;
    this.status = status;
    this.errorCode = errorCode;
  }

  public String url() {
    return url;
  }

  public int status() {
    return status;
  }

  public int errorCode() {
    return errorCode;
  }

  /** Whether the registry said the subject, version or schema does not exist. */
  public boolean isNotFound() {
    return status == 404
        || errorCode == SUBJECT_NOT_FOUND
        || errorCode == VERSION_NOT_FOUND
        || errorCode == SCHEMA_NOT_FOUND;
  }
}
