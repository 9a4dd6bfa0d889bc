package dev.streamperf.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class SchemaDocsTest {

  @Test
  void everyRecordAndFieldOfEveryContractIsDocumented() {
    List<String> undocumented = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (SpecificRecord sample : SampleRecords.all()) {
      collect(sample.getSchema(), seen, undocumented);
    }
    assertThat(seen)
        .contains(
            "dev.streamperf.schemas.RunEvent",
            "dev.streamperf.schemas.InferenceRequest",
            "dev.streamperf.schemas.MediaBlob",
            "dev.streamperf.schemas.TokenEvent",
            "dev.streamperf.schemas.RequestResult",
            "dev.streamperf.schemas.Score",
            "dev.streamperf.schemas.WindowedMetric",
            "dev.streamperf.schemas.Turn",
            "dev.streamperf.schemas.ContentPart");
    assertThat(undocumented).isEmpty();
  }

  @Test
  void everyFieldAddedAfterTheFirstVersionCanBeSkippedByOldReaders() {
    // A field with a default is what keeps later additions BACKWARD compatible; nullable fields
    // must default to null so a writer may omit them.
    List<String> nullableWithoutNullDefault = new ArrayList<>();
    for (SpecificRecord sample : SampleRecords.all()) {
      for (Schema.Field field : sample.getSchema().getFields()) {
        if (field.schema().isNullable() && field.schema().getType() == Schema.Type.UNION) {
          if (!field.hasDefaultValue()
              || field.defaultVal() != org.apache.avro.JsonProperties.NULL_VALUE) {
            nullableWithoutNullDefault.add(sample.getSchema().getName() + "." + field.name());
          }
        }
      }
    }
    assertThat(nullableWithoutNullDefault).isEmpty();
  }

  private static void collect(Schema schema, Set<String> seen, List<String> undocumented) {
    switch (schema.getType()) {
      case RECORD -> {
        if (!seen.add(schema.getFullName())) {
          return;
        }
        if (isBlank(schema.getDoc())) {
          undocumented.add(schema.getFullName());
        }
        for (Schema.Field field : schema.getFields()) {
          if (isBlank(field.doc())) {
            undocumented.add(schema.getFullName() + "." + field.name());
          }
          collect(field.schema(), seen, undocumented);
        }
      }
      case ENUM -> {
        if (seen.add(schema.getFullName()) && isBlank(schema.getDoc())) {
          undocumented.add(schema.getFullName());
        }
      }
      case UNION -> schema.getTypes().forEach(t -> collect(t, seen, undocumented));
      case ARRAY -> collect(schema.getElementType(), seen, undocumented);
      case MAP -> collect(schema.getValueType(), seen, undocumented);
      default -> {}
    }
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
