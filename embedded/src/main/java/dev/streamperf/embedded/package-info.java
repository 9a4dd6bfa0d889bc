/**
 * The embedded default: {@link dev.streamperf.embedded.EmbeddedKafka} (a single-node KRaft broker
 * in this JVM), {@link dev.streamperf.embedded.EmbeddedStack} (that broker, the in-memory registry
 * and the topics, as one-command runs and tests use them) and {@link
 * dev.streamperf.embedded.ApicurioRegistry} (a real Confluent-API registry as a child process, for
 * {@code streamperf stack}).
 */
package dev.streamperf.embedded;
