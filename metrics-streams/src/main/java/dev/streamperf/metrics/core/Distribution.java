package dev.streamperf.metrics.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import org.HdrHistogram.Histogram;

/**
 * The values of one metric in one scope: count, sum and sum of squares as exact 128-bit integers of
 * the metric's fixed-point unit, min, max, and an HdrHistogram (3 significant digits) of the values
 * divided by the unit's histogram divisor. Everything adds, in any order, to the same result: that
 * is what lets partitions and windows merge and lets two topologies give identical summaries.
 *
 * <p>Not thread-safe; one owner at a time (a stream task, a report builder).
 */
public final class Distribution {

  /** HdrHistogram precision: relative value error under 0.1%. */
  public static final int SIGNIFICANT_DIGITS = 3;

  /**
   * Each thread's encoding buffer, grown to the largest histogram it encoded: HdrHistogram asks for
   * nine bytes per counts-array slot, a quarter megabyte for a wide latency histogram, and
   * allocating (and zeroing) that for every write was two thirds of what encoding histograms cost
   * (JFR, bench metrics).
   */
  private static final ThreadLocal<ByteBuffer> ENCODE_BUFFER =
      ThreadLocal.withInitial(() -> ByteBuffer.allocate(4096));

  private final long histogramDivisor;
  private long count;
  private long sumHi;
  private long sumLo;
  private long squaresHi;
  private long squaresLo;
  private long min = Long.MAX_VALUE;
  private long max = Long.MIN_VALUE;
  private Histogram histogram;

  /** An empty distribution of values in a unit. */
  public Distribution(MetricUnit unit) {
    this(unit.histogramDivisor());
  }

  private Distribution(long histogramDivisor) {
    this(histogramDivisor, true);
  }

  private Distribution(long histogramDivisor, boolean emptyHistogram) {
    this.histogramDivisor = histogramDivisor;
    if (histogramDivisor > 0 && emptyHistogram) {
      histogram = new Histogram(SIGNIFICANT_DIGITS);
    }
  }

  /**
   * Records one value in internal units. The histogram records {@code max(0, value / divisor)}
   * rounded half up: a negative value (a request sent before its intended time) counts as 0 in the
   * percentiles but keeps its sign in min, sum and std.
   */
  public void record(long value) {
    count++;
    long lo = sumLo + value;
    sumHi += (value >> 63) + (Long.compareUnsigned(lo, sumLo) < 0 ? 1 : 0);
    sumLo = lo;
    long productLo = value * value;
    long productHi = Math.multiplyHigh(value, value);
    long squares = squaresLo + productLo;
    squaresHi += productHi + (Long.compareUnsigned(squares, squaresLo) < 0 ? 1 : 0);
    squaresLo = squares;
    if (value < min) {
      min = value;
    }
    if (value > max) {
      max = value;
    }
    if (histogram != null) {
      long h = value <= 0 ? 0 : (value + histogramDivisor / 2) / histogramDivisor;
      if (h > histogram.getHighestTrackableValue()) {
        grow(h);
      }
      histogram.recordValue(h);
    }
  }

  /**
   * Widens the histogram to hold {@code value} without HdrHistogram's auto-resize, which throws and
   * catches an exception (with its stack trace) to find out: partials start empty at every commit,
   * and that path was 4% of the Streams threads. The bucket layout is the same either way.
   */
  private void grow(long value) {
    Histogram wider =
        new Histogram(
            1, Math.max(value, 2 * histogram.getHighestTrackableValue()), SIGNIFICANT_DIGITS);
    wider.setAutoResize(true);
    if (histogram.getTotalCount() > 0) {
      wider.add(histogram);
    }
    histogram = wider;
  }

  /** Adds another distribution of the same unit into this one. */
  public void merge(Distribution other) {
    if (other.histogramDivisor != histogramDivisor) {
      throw new IllegalArgumentException(
          "histogram divisor: " + other.histogramDivisor + " (expected: " + histogramDivisor + ")");
    }
    if (other.count == 0) {
      return;
    }
    count += other.count;
    long lo = sumLo + other.sumLo;
    sumHi += other.sumHi + (Long.compareUnsigned(lo, sumLo) < 0 ? 1 : 0);
    sumLo = lo;
    long squares = squaresLo + other.squaresLo;
    squaresHi += other.squaresHi + (Long.compareUnsigned(squares, squaresLo) < 0 ? 1 : 0);
    squaresLo = squares;
    min = Math.min(min, other.min);
    max = Math.max(max, other.max);
    if (histogram != null) {
      histogram.add(other.histogram);
    }
  }

  public long count() {
    return count;
  }

  /** Σx in internal units, exact. */
  public BigInteger sum() {
    return toBig(sumHi, sumLo);
  }

  /** Σx² in internal units², exact. */
  public BigInteger sumOfSquares() {
    return toBig(squaresHi, squaresLo);
  }

  /** Smallest value in internal units; undefined when empty. */
  public long min() {
    return min;
  }

  /** Largest value in internal units; undefined when empty. */
  public long max() {
    return max;
  }

  /** The histogram in histogram units, or null for units without one. Do not modify it. */
  public Histogram histogram() {
    return histogram;
  }

  private static BigInteger toBig(long hi, long lo) {
    BigInteger low = BigInteger.valueOf(lo & Long.MAX_VALUE);
    if (lo < 0) {
      low = low.setBit(63);
    }
    return BigInteger.valueOf(hi).shiftLeft(64).add(low);
  }

  /** Writes this distribution; {@link #readFrom} reads it back. */
  public void writeTo(DataOutput out) throws IOException {
    out.writeLong(count);
    out.writeLong(sumHi);
    out.writeLong(sumLo);
    out.writeLong(squaresHi);
    out.writeLong(squaresLo);
    out.writeLong(min);
    out.writeLong(max);
    if (histogram == null) {
      out.writeInt(-1);
      return;
    }
    int needed = histogram.getNeededByteBufferCapacity();
    ByteBuffer buffer = ENCODE_BUFFER.get();
    if (buffer.capacity() < needed) {
      buffer = ByteBuffer.allocate(Math.max(needed, 2 * buffer.capacity()));
      ENCODE_BUFFER.set(buffer);
    }
    buffer.clear();
    int length = histogram.encodeIntoByteBuffer(buffer);
    out.writeInt(length);
    out.write(buffer.array(), 0, length);
  }

  /** Reads a distribution of a unit written by {@link #writeTo}. */
  public static Distribution readFrom(DataInput in, MetricUnit unit) throws IOException {
    Distribution d = new Distribution(unit.histogramDivisor(), false);
    d.count = in.readLong();
    d.sumHi = in.readLong();
    d.sumLo = in.readLong();
    d.squaresHi = in.readLong();
    d.squaresLo = in.readLong();
    d.min = in.readLong();
    d.max = in.readLong();
    int length = in.readInt();
    if (length >= 0) {
      byte[] bytes = new byte[length];
      in.readFully(bytes);
      if (d.histogramDivisor <= 0) {
        throw new IOException("a histogram for a unit without one: " + unit);
      }
      Histogram decoded = Histogram.decodeFromByteBuffer(ByteBuffer.wrap(bytes), 0);
      decoded.setAutoResize(true);
      d.histogram = decoded;
    } else if (d.histogramDivisor > 0) {
      throw new IOException("no histogram for a unit with one: " + unit);
    }
    return d;
  }

  /** A deep copy. */
  public Distribution copy() {
    Distribution d = new Distribution(histogramDivisor);
    d.merge(this);
    return d;
  }
}
