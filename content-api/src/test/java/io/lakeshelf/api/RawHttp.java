package io.lakeshelf.api;

import io.lakeshelf.api.RunningService.Answer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 byte for byte over a plain socket, for requests java.net.http refuses to send: malformed
 * escapes, invalid UTF-8, odd methods and versions, request lines and headers over the limits.
 */
final class RawHttp {

  private RawHttp() {}

  /** A request line and headers (each ending in CRLF) as ISO-8859-1 chars, one char per byte. */
  static byte[] request(String method, String target, String headers, byte[] body) {
    StringBuilder head =
        new StringBuilder()
            .append(method)
            .append(' ')
            .append(target)
            .append(" HTTP/1.1\r\n")
            .append("Host: localhost\r\nConnection: close\r\n")
            .append(headers);
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    if (body == null) {
      return h;
    }
    byte[] all = new byte[h.length + body.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  static Answer send(int port, String method, String target) throws IOException {
    return send(port, request(method, target, "", null));
  }

  /**
   * Sends the bytes and reads the whole answer (the connection closes after it). The body is
   * unchunked and decoded as UTF-8; the status is -1 if the server closed without answering.
   */
  static Answer send(int port, byte[] request) throws IOException {
    try (Socket s = new Socket("localhost", port)) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (IOException e) {
        // The server may answer and close before reading all of an oversized request.
      }
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      try {
        in.transferTo(all);
      } catch (java.net.SocketException e) {
        // A reset after the answer (the server closed with unread bytes): keep what came.
      }
      String response = all.toString(StandardCharsets.ISO_8859_1);
      while (response.startsWith("HTTP/1.1 1") && response.indexOf("\r\n\r\n") > 0) {
        response =
            response.substring(
                response.indexOf("\r\n\r\n") + 4); // an interim answer (100 Continue)
      }
      int headEnd = response.indexOf("\r\n\r\n");
      if (headEnd < 0) {
        return new Answer(-1, "", response);
      }
      String head = response.substring(0, headEnd);
      String body = response.substring(headEnd + 4);
      int status = Integer.parseInt(head.split(" ")[1]);
      String contentType = "";
      boolean chunked = false;
      for (String line : head.split("\r\n")) {
        String lower = line.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-type:")) {
          contentType = line.substring(line.indexOf(':') + 1).trim();
        }
        if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        }
      }
      String text = chunked ? unchunk(body) : body;
      return new Answer(
          status,
          contentType,
          new String(text.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }
  }

  private static String unchunk(String body) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < body.length()) {
      int eol = body.indexOf("\r\n", i);
      if (eol < 0) {
        break;
      }
      int size = Integer.parseInt(body.substring(i, eol).trim(), 16);
      if (size == 0) {
        break;
      }
      out.append(body, eol + 2, Math.min(body.length(), eol + 2 + size));
      i = eol + 2 + size + 2;
    }
    return out.toString();
  }
}
