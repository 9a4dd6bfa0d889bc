package dev.streamperf.evaluator.mlperf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccuracyLogTest {

  @Test
  void writesLoadGensLayoutWithUpperCaseHex() throws IOException {
    StringWriter out = new StringWriter();
    AccuracyLog.write(
        out,
        List.of(
            AccuracyLog.Entry.ofText(0, 3, "{}", null), AccuracyLog.Entry.ofText(1, 7, "é", 2)));
    assertThat(out.toString())
        .isEqualTo(
            "[\n"
                + "{ \"seq_id\" : 0, \"qsl_idx\" : 3, \"data\" : \"7B7D\" },\n"
                + "{ \"seq_id\" : 1, \"qsl_idx\" : 7, \"data\" : \"C3A9\", \"token_count\" : 2 }\n"
                + "]\n");
  }

  @Test
  void anEmptyLogIsAnEmptyArray() throws IOException {
    StringWriter out = new StringWriter();
    AccuracyLog.write(out, List.of());
    assertThat(out.toString()).isEqualTo("[\n]\n");
    assertThat(AccuracyLog.read("empty", new StringReader(out.toString()))).isEmpty();
  }

  @Test
  void roundTripsThroughAFile(@TempDir Path dir) throws IOException {
    List<AccuracyLog.Entry> entries =
        List.of(
            AccuracyLog.Entry.ofText(5, 0, "{\"category\": \"Ä > ß\"}\n", 12),
            AccuracyLog.Entry.ofText(6, 48_288, "", null));
    Path file = dir.resolve(AccuracyLog.FILE_NAME);
    AccuracyLog.write(file, entries);
    assertThat(AccuracyLog.read(file)).isEqualTo(entries);
    assertThat(AccuracyLog.read(file).get(0).text()).isEqualTo("{\"category\": \"Ä > ß\"}\n");
  }

  @Test
  void readsLowerCaseHexAndIgnoresFieldsItDoesNotKnow() throws IOException {
    String log = "[{\"seq_id\": 1, \"qsl_idx\": 2, \"data\": \"7b7d\", \"extra\": {\"a\": [1]}}]";
    assertThat(AccuracyLog.read("log", new StringReader(log)))
        .containsExactly(AccuracyLog.Entry.ofText(1, 2, "{}", null));
  }

  @Test
  void errorsNameTheLineTheEntryAndTheField() {
    assertThatThrownBy(
            () ->
                AccuracyLog.read(
                    "acc.json",
                    new StringReader(
                        "[\n{ \"seq_id\" : 0, \"qsl_idx\" : 1, \"data\" : \"7B\" },\n"
                            + "{ \"seq_id\" : 1, \"qsl_idx\" : 1, \"data\" : \"7G\" }\n]")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("acc.json:3: entry 1: field 'data': not hexadecimal bytes");
    assertThatThrownBy(
            () ->
                AccuracyLog.read(
                    "acc.json", new StringReader("[\n{ \"seq_id\" : 0, \"data\" : \"7B\" }\n]")))
        .hasMessage("acc.json:2: entry 0: field 'qsl_idx': missing");
    assertThatThrownBy(
            () ->
                AccuracyLog.read(
                    "acc.json",
                    new StringReader("[{ \"seq_id\" : -1, \"qsl_idx\" : 0, \"data\" : \"\" }]")))
        .hasMessage("acc.json:1: entry 0: field 'seq_id': -1 (expected: >= 0)");
    assertThatThrownBy(
            () ->
                AccuracyLog.read(
                    "acc.json",
                    new StringReader("[{ \"seq_id\" : \"0\", \"qsl_idx\" : 0, \"data\" : \"\" }]")))
        .hasMessage("acc.json:1: entry 0: field 'seq_id': not an integer");
    assertThatThrownBy(() -> AccuracyLog.read("acc.json", new StringReader("{\"seq_id\": 0}")))
        .hasMessage("acc.json:1: not an accuracy log (expected: a JSON array of entries)");
    assertThatThrownBy(
            () ->
                AccuracyLog.read(
                    "acc.json",
                    new StringReader(
                        "[\n{ \"seq_id\" : 0, \"qsl_idx\" : 0, \"data\" : \"7B\" },\n")))
        .hasMessageStartingWith("acc.json:3: not JSON");
  }

  @Test
  void readsTheFixtureWrittenByPython() throws Exception {
    List<AccuracyLog.Entry> entries =
        AccuracyLog.read(AccuracyReportTest.fixture("mlperf_log_accuracy.json"));
    assertThat(entries).hasSize(5);
    assertThat(entries.get(0).seqId()).isZero();
    assertThat(entries.get(0).qslIndex()).isEqualTo(2);
    assertThat(entries.get(0).tokenCount()).isEqualTo(21);
    assertThat(entries.get(0).text())
        .isEqualTo(
            "{\"category\": \"Electronics > Audio > Headphones\", \"brand\": \"SONY\","
                + " \"is_secondhand\": true}");
    assertThat(entries.get(2).text()).startsWith("```json\n{");
    // our writer produces the same bytes Python wrote
    StringWriter out = new StringWriter();
    AccuracyLog.write(out, entries);
    assertThat(out.toString())
        .isEqualTo(Files.readString(AccuracyReportTest.fixture("mlperf_log_accuracy.json")));
  }
}
