package dev.streamperf.producer.schedule;

import dev.streamperf.producer.random.Sampling;
import dev.streamperf.producer.spec.ArrivalPattern;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Arrivals at a rate: the first at offset 0, then gaps of exactly {@code 1/rate} (constant),
 * exponential (Poisson) or gamma of shape {@code smoothness} (mean {@code 1/rate} either way).
 *
 * <p>A linear rate ramp over {@code D} seconds is exact, not stepped: gaps are drawn in operational
 * time (a unit-rate process) and mapped through the inverse of the cumulative rate {@code Λ(t) = R
 * t² / 2D} for {@code t < D}, {@code R D / 2 + R (t - D)} after. A Poisson process mapped this way
 * is exactly the inhomogeneous Poisson process of rate {@code R t / D}.
 */
public final class RateArrivals implements Arrivals {

  private final ArrivalPattern pattern;
  private final double rate;
  private final double shape;
  private final double rampSeconds;
  private final SplittableRandom random;
  private double operational;

  /**
   * @param pattern gap distribution
   * @param rate arrivals per second, > 0
   * @param shape gamma shape (smoothness); ignored unless {@code pattern} is GAMMA
   * @param rateRamp linear ramp from 0 to {@code rate}, or null
   * @param random the stream the gaps come from (one sequential stream per run)
   */
  public RateArrivals(
      ArrivalPattern pattern,
      double rate,
      double shape,
      Duration rateRamp,
      SplittableRandom random) {
    this.pattern = pattern;
    this.rate = rate;
    this.shape = shape;
    this.rampSeconds = rateRamp == null ? 0 : rateRamp.toNanos() / 1e9;
    this.random = random;
  }

  @Override
  public long next() {
    double seconds = warp(operational);
    operational += gap();
    return Math.round(seconds * 1e9);
  }

  private double gap() {
    return switch (pattern) {
      case CONSTANT -> 1.0;
      case POISSON -> Sampling.exponential(random);
      case GAMMA -> Sampling.gamma(random, shape) / shape;
    };
  }

  /** Wall-clock seconds at which the cumulative rate reaches {@code s} arrivals. */
  double warp(double s) {
    if (rampSeconds <= 0) {
      return s / rate;
    }
    double atRampEnd = rate * rampSeconds / 2;
    if (s <= atRampEnd) {
      return Math.sqrt(2 * rampSeconds * s / rate);
    }
    return rampSeconds + (s - atRampEnd) / rate;
  }
}
