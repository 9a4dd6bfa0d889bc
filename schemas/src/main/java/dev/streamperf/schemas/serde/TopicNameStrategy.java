package dev.streamperf.schemas.serde;

/** The Confluent default subject naming: {@code <topic>-key} and {@code <topic>-value}. */
public final class TopicNameStrategy {

  private TopicNameStrategy() {}

  public static String subject(String topic, boolean isKey) {
    return topic + (isKey ? "-key" : "-value");
  }
}
