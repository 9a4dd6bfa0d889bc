package dev.streamperf.schemas.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

/** OpenAI's o200k_base (GPT-4o family) from jtokkit: no files, no network. */
final class BuiltinTokenizer implements Tokenizer {

  static final BuiltinTokenizer O200K = new BuiltinTokenizer();

  private final Encoding encoding =
      Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

  private BuiltinTokenizer() {}

  @Override
  public String name() {
    return "builtin:o200k_base";
  }

  @Override
  public int count(String text) {
    return encoding.countTokensOrdinary(text);
  }

  @Override
  public int[] encode(String text) {
    return encoding.encodeOrdinary(text).toArray();
  }

  @Override
  public String decode(int[] ids) {
    IntArrayList list = new IntArrayList(ids.length);
    for (int id : ids) {
      list.add(id);
    }
    return encoding.decode(list);
  }
}
