package dev.streamperf.metrics.streams;

import dev.streamperf.schemas.TokenEvent;

/** Folds token events (by arrival time) into the partials: their gaps are inter-chunk latencies. */
final class TokenEventAggregator extends PartialAggregator<TokenEvent> {

  TokenEventAggregator(String storeName, long windowUs) {
    super(storeName, windowUs);
  }

  @Override
  void fold(TokenEvent e) {
    long us = e.getArrivalUs();
    Partial p = partials.partial(e.getRunId(), e.getModel(), e.getEndpoint(), windowStart(us));
    p.aggregate.addTokenEvent(e);
    p.offset(Partial.TOKEN_EVENTS, offset());
    partials.saw(us, wallMs());
  }
}
