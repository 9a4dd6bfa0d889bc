package dev.streamperf.schemas.serde;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to instantiate generated classes whose package is not trusted (system property
 * {@code org.apache.avro.SERIALIZABLE_PACKAGES}). The serde trusts exactly the contract package
 * {@code dev.streamperf.schemas}, once per JVM, on top of whatever the JVM already trusts, so an
 * application embedding the serde need not set the property.
 */
final class AvroTrust {

  private static final String CONTRACT_PACKAGE = "dev.streamperf.schemas.";
  private static final AtomicBoolean DONE = new AtomicBoolean();

  private AvroTrust() {}

  static void trustContractPackage() {
    if (DONE.compareAndSet(false, true)) {
      ClassSecurityValidator.ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
      ClassSecurityValidator.setGlobal(
          ClassSecurityValidator.composite(
              current, type -> type.getName().startsWith(CONTRACT_PACKAGE)));
    }
  }
}
