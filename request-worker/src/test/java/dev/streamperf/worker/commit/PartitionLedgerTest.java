package dev.streamperf.worker.commit;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionLedgerTest {

  private static final TopicPartition TP = new TopicPartition("requests", 3);

  private static PartitionLedger<String> fresh() {
    return new PartitionLedger<>(TP, 1, -1, new byte[0]);
  }

  @Test
  void commitsUpToTheFirstUnfinishedAndRecordsTheFatesBeyond() {
    PartitionLedger<String> ledger = fresh();
    for (long o = 10; o < 15; o++) {
      ledger.fetched(o, false);
    }
    assertThat(ledger.plan(4000)).as("nothing started, nothing to commit").isNull();
    ledger.started(10);
    ledger.started(11);
    ledger.started(12);
    ledger.completed(11, "r11");
    ledger.completed(12, "r12");
    PartitionLedger.Plan<String> plan = ledger.plan(4000);
    assertThat(plan.offset()).isEqualTo(10);
    assertThat(plan.metadata()).isEqualTo("spw1:b2X");
    assertThat(plan.include()).extracting(e -> e.outputs).containsExactly("r11", "r12");
    ledger.committed(plan);
    assertThat(ledger.dirty()).isFalse();

    ledger.completed(10, "r10");
    plan = ledger.plan(4000);
    assertThat(plan.offset()).as("10, 11 and 12 done: commit past them").isEqualTo(13);
    assertThat(plan.metadata()).isEqualTo("spw1:");
    assertThat(plan.include()).extracting(e -> e.outputs).containsExactly("r10");
    ledger.committed(plan);
    assertThat(ledger.committedOffset()).isEqualTo(13);
    assertThat(ledger.windowSize()).isEqualTo(2);
  }

  @Test
  void anAbortedPlanIsPlannedAgainWithTheSameOutputs() {
    PartitionLedger<String> ledger = fresh();
    ledger.fetched(0, false);
    ledger.started(0);
    ledger.completed(0, "r0");
    PartitionLedger.Plan<String> plan = ledger.plan(4000);
    ledger.aborted(plan);
    PartitionLedger.Plan<String> again = ledger.plan(4000);
    assertThat(again.offset()).isEqualTo(1);
    assertThat(again.include()).extracting(e -> e.outputs).containsExactly("r0");
  }

  @Test
  void theNextOwnerSkipsDoneRequestsAndCountsEarlierStarts() {
    // the previous owner committed offset 100 with: 100 started once, 101 done, 102 started twice
    byte[] inherited = CommitMetadata.decode("spw1:bXc");
    PartitionLedger<String> ledger = new PartitionLedger<>(TP, 2, 100, inherited);
    assertThat(ledger.inheritedCode(100)).isEqualTo((byte) 1);
    assertThat(ledger.inheritedCode(101)).isEqualTo(CommitMetadata.DONE);
    assertThat(ledger.inheritedCode(102)).isEqualTo((byte) 2);
    assertThat(ledger.inheritedCode(103)).isZero();
    ledger.fetched(100, false);
    ledger.fetched(101, true);
    ledger.started(100);
    PartitionLedger.Plan<String> plan = ledger.plan(4000);
    assertThat(plan.offset()).isEqualTo(100);
    assertThat(plan.metadata())
        .as("100 now started twice; 102 not fetched yet keeps its two starts")
        .isEqualTo("spw1:cXc");
  }

  @Test
  void gapsOfTransactionMarkersCountAsDone() {
    PartitionLedger<String> ledger = fresh();
    ledger.fetched(0, false);
    ledger.fetched(2, false); // offset 1 is a commit marker
    ledger.started(0);
    ledger.started(2);
    ledger.completed(0, "r0");
    PartitionLedger.Plan<String> plan = ledger.plan(4000);
    assertThat(plan.offset()).isEqualTo(2);
    assertThat(plan.metadata()).isEqualTo("spw1:b");
  }

  @Test
  void outputsBeyondWhatTheMetadataCanHoldWaitForALaterTransaction() {
    PartitionLedger<String> ledger = fresh();
    for (long o = 0; o < 200; o++) {
      ledger.fetched(o, false);
      ledger.started(o);
    }
    // every other one done: codes alternate b, X, b, X ... two characters per offset
    for (long o = 1; o < 200; o += 2) {
      ledger.completed(o, "r" + o);
    }
    PartitionLedger.Plan<String> plan = ledger.plan(45);
    assertThat(plan.metadata().length()).isLessThanOrEqualTo(45);
    assertThat(plan.offset()).isZero();
    byte[] recorded = CommitMetadata.decode(plan.metadata());
    assertThat(plan.include()).hasSizeLessThan(100).isNotEmpty();
    for (PartitionLedger.Entry<String> e : plan.include()) {
      assertThat(recorded[(int) e.offset])
          .as("offset %d recorded done", e.offset)
          .isEqualTo(CommitMetadata.DONE);
    }
    ledger.committed(plan);
    assertThat(ledger.dirty()).as("the rest is still to publish").isTrue();
  }
}
