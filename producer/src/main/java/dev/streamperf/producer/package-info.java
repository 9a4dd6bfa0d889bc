/**
 * The producer: the load controller of every run. It turns a {@link
 * dev.streamperf.producer.source.SessionSource} into {@code InferenceRequest} records on the
 * requests topic, on an open-loop arrival schedule or a closed loop of credits read back from the
 * results topic, and announces the run in the runs topic.
 */
package dev.streamperf.producer;
