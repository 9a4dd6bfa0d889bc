package dev.streamperf.simulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** An HTTP/1.1 exchange over a plain socket: what exactly came over the wire, and how it ended. */
final class RawHttp {

  /** Bytes received, and the exception that ended reading (null on a clean end of stream). */
  record Exchange(String received, IOException failure, long headersNanos, long sentNanos) {}

  private RawHttp() {}

  static String post(String path, String body, String... headers) {
    StringBuilder request =
        new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            .append("Content-Type: application/json\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    request.append("Content-Length: ").append(bytes.length).append("\r\n\r\n").append(body);
    return request.toString();
  }

  /**
   * Sends the request and reads until the server closes, the read fails, or the received bytes end
   * with {@code until} (the end of a response the connection outlives).
   */
  static Exchange exchange(int port, String request, String until) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      long sent = System.nanoTime();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      long headers = -1;
      try {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (headers == -1) {
            headers = System.nanoTime();
          }
          received.write(buffer, 0, n);
          if (until != null && received.toString(StandardCharsets.UTF_8).endsWith(until)) {
            break;
          }
        }
      } catch (IOException e) {
        return new Exchange(received.toString(StandardCharsets.UTF_8), e, headers, sent);
      }
      return new Exchange(received.toString(StandardCharsets.UTF_8), null, headers, sent);
    }
  }
}
