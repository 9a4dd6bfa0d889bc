package dev.streamperf.evaluator.mlperf;

import java.util.List;

/**
 * Python's {@code repr} of a list of strings, which is what the reference prompt interpolates for
 * the candidate categories ({@code f"{sample['potential_product_categories']}"}): {@code ['a',
 * "b's"]}. Each string is quoted with {@code '} unless it contains {@code '} and no {@code "};
 * backslash, the quote, tab, newline and carriage return are escaped, and characters Python does
 * not consider printable become hexadecimal escapes (backslash and x, u or U with 2, 4 or 8
 * lower-case digits).
 */
final class PythonRepr {

  private PythonRepr() {}

  static String listOfStrings(List<String> values) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      string(values.get(i), out);
    }
    return out.append(']').toString();
  }

  static String string(String value) {
    StringBuilder out = new StringBuilder();
    string(value, out);
    return out.toString();
  }

  private static void string(String value, StringBuilder out) {
    char quote = value.indexOf('\'') >= 0 && value.indexOf('"') < 0 ? '"' : '\'';
    out.append(quote);
    value
        .codePoints()
        .forEach(
            cp -> {
              if (cp == quote || cp == '\\') {
                out.append('\\').appendCodePoint(cp);
              } else if (cp == '\t') {
                out.append("\\t");
              } else if (cp == '\n') {
                out.append("\\n");
              } else if (cp == '\r') {
                out.append("\\r");
              } else if (cp < ' ' || cp == 0x7F) {
                out.append(String.format("\\x%02x", cp));
              } else if (cp < 0x7F || isPrintable(cp)) {
                out.appendCodePoint(cp);
              } else if (cp <= 0xFF) {
                out.append(String.format("\\x%02x", cp));
              } else if (cp <= 0xFFFF) {
                out.append(String.format("\\u%04x", cp));
              } else {
                out.append(String.format("\\U%08x", cp));
              }
            });
    out.append(quote);
  }

  /** Python's str.isprintable for one code point: not Cc, Cf, Cs, Co, Cn, Zl, Zp, Zs. */
  private static boolean isPrintable(int cp) {
    switch (Character.getType(cp)) {
      case Character.CONTROL:
      case Character.FORMAT:
      case Character.SURROGATE:
      case Character.PRIVATE_USE:
      case Character.UNASSIGNED:
      case Character.LINE_SEPARATOR:
      case Character.PARAGRAPH_SEPARATOR:
      case Character.SPACE_SEPARATOR:
        return false;
      default:
        return true;
    }
  }
}
