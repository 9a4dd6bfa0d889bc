package dev.streamperf.worker;

import org.apache.kafka.common.TopicPartition;

/**
 * Where a session came from: its record's partition and offset, and the epoch of this worker's
 * ownership of the partition (a partition revoked and assigned again gets a new epoch, so late news
 * of the old ownership is ignored).
 */
record RecordRef(TopicPartition partition, long epoch, long offset) {}
