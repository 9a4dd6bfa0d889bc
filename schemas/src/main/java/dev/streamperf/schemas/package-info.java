/**
 * The contracts every streamperf component meets through: the Avro records generated from {@code
 * src/main/avro} (one class per schema in this package), the topic catalogue, the Avro serde on the
 * Confluent wire format, the Schema Registry clients and the process clock all timestamps come
 * from.
 */
package dev.streamperf.schemas;
