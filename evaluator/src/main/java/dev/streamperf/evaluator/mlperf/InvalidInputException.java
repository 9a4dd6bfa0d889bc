package dev.streamperf.evaluator.mlperf;

import java.io.IOException;

/** Input that cannot be used, with where it is: {@code FILE:LINE: what}. */
public final class InvalidInputException extends IOException {

  private final String file;
  private final long line;

  public InvalidInputException(String file, long line, String problem) {
    super(file + ":" + line + ": " + problem);
    this.file = file;
    this.line = line;
  }

  public String file() {
    return file;
  }

  public long line() {
    return line;
  }
}
