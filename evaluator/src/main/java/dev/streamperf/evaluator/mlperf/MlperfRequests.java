package dev.streamperf.evaluator.mlperf;

import dev.streamperf.schemas.ContentPart;
import dev.streamperf.schemas.InferenceRequest;
import dev.streamperf.schemas.Phase;
import dev.streamperf.schemas.SamplingParameters;
import dev.streamperf.schemas.Turn;
import java.util.List;

/**
 * The {@link InferenceRequest} of one planned query: the product prompt, the hierarchical-F1
 * reference, the query's sequence number as the record's {@code sequence} and its scheduled time as
 * the intended send time. Sampling parameters are left unset, as the benchmark's rules require (the
 * server's defaults); the request id is {@code <run>/q<seq_id>}.
 */
public final class MlperfRequests {

  private MlperfRequests() {}

  public static String requestId(String runId, long seqId) {
    return runId + "/q" + seqId;
  }

  /**
   * @param runId the run
   * @param model the model name sent in the body
   * @param query the planned query
   * @param sample the query's sample (its {@code index} is the query's {@code qsl_idx})
   * @param image the image part: a {@code media} reference or {@link ProductPrompt#inlineImage}
   * @param testStartUs epoch microseconds of the test's start; the query is due at start +
   *     scheduled time
   * @param publishedUs epoch microseconds of publication
   */
  public static InferenceRequest request(
      String runId,
      String model,
      QueryPlan.PlannedQuery query,
      ProductSample sample,
      ContentPart image,
      long testStartUs,
      long publishedUs) {
    if (sample.index() != query.qslIndex()) {
      throw new IllegalArgumentException(
          "sample "
              + sample.index()
              + " for query "
              + query.seqId()
              + " of qsl_idx "
              + query.qslIndex());
    }
    String requestId = requestId(runId, query.seqId());
    Turn turn =
        Turn.newBuilder()
            .setRequestId(requestId)
            .setMessages(ProductPrompt.messages(sample, image))
            .setReference(ProductPrompt.reference(sample))
            .build();
    return InferenceRequest.newBuilder()
        .setRunId(runId)
        .setSessionId(requestId)
        .setSequence(query.seqId())
        .setPhase(Phase.PROFILING)
        .setIntendedSendUs(testStartUs + query.scheduledNs() / 1_000)
        .setPublishedUs(publishedUs)
        .setModel(model)
        .setStream(true)
        .setTurns(List.of(turn))
        .setSampling(SamplingParameters.newBuilder().build())
        .setSource("Shopify/product-catalogue:" + sample.index())
        .build();
  }
}
