package dev.streamperf.metrics.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scores of one scorer (or one category of it): the score values as a distribution of ratios, how
 * many responses parsed, and the sums of the scores' additive components (hierarchical F1's
 * intersection, predicted and true depths, brand and is_secondhand counts), each summed exactly in
 * millionths.
 */
public final class Tally {

  /** Fixed-point scale of component sums. */
  public static final long COMPONENT_SCALE = 1_000_000L;

  private final Distribution values = new Distribution(MetricUnit.RATIO);
  private long parsed;
  private final TreeMap<String, Long> components = new TreeMap<>();

  /** Adds one score. */
  public void add(double value, boolean wasParsed, Map<String, Double> scoreComponents) {
    values.record(MetricUnit.RATIO.toInternal(value));
    if (wasParsed) {
      parsed++;
    }
    for (Map.Entry<String, Double> c : scoreComponents.entrySet()) {
      if (c.getValue() != null && Double.isFinite(c.getValue())) {
        components.merge(c.getKey(), Math.round(c.getValue() * COMPONENT_SCALE), Math::addExact);
      }
    }
  }

  public void merge(Tally other) {
    values.merge(other.values);
    parsed += other.parsed;
    other.components.forEach((k, v) -> components.merge(k, v, Math::addExact));
  }

  /** The score values (ratio unit). */
  public Distribution values() {
    return values;
  }

  public long count() {
    return values.count();
  }

  public long parsed() {
    return parsed;
  }

  /** Component sums in display units (e.g. ΣI). */
  public Map<String, Double> componentSums() {
    Map<String, Double> out = new TreeMap<>();
    components.forEach((k, v) -> out.put(k, (double) v / COMPONENT_SCALE));
    return Collections.unmodifiableMap(out);
  }

  void writeTo(DataOutput out) throws IOException {
    values.writeTo(out);
    out.writeLong(parsed);
    out.writeInt(components.size());
    for (Map.Entry<String, Long> c : components.entrySet()) {
      out.writeUTF(c.getKey());
      out.writeLong(c.getValue());
    }
  }

  static Tally readFrom(DataInput in) throws IOException {
    Tally t = new Tally();
    t.values.merge(Distribution.readFrom(in, MetricUnit.RATIO));
    t.parsed = in.readLong();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      t.components.put(in.readUTF(), in.readLong());
    }
    return t;
  }
}
