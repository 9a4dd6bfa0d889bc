package dev.streamperf.evaluator.scoring;

import dev.streamperf.schemas.Reference;
import java.util.Locale;
import java.util.Map;

/** Typed access to {@code Reference.metadata} values, with errors that name the key. */
final class ReferenceMetadata {

  private ReferenceMetadata() {}

  static String string(Reference reference, String key) {
    Map<String, String> metadata = reference.getMetadata();
    return metadata == null ? null : metadata.get(key);
  }

  static boolean bool(Reference reference, String key, boolean defaultValue)
      throws BadReferenceException {
    String value = string(reference, key);
    if (value == null) {
      return defaultValue;
    }
    switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new BadReferenceException(
            "reference.metadata." + key + ": '" + value + "' (expected: true or false)");
    }
  }
}
