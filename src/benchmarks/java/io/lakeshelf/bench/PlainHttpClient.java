package io.lakeshelf.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The leanest HTTP/1.1 client a benchmark can have: one blocking keep-alive socket, the request
 * written in one call, the answer read on the calling thread (Content-Length or chunked). The JDK's
 * {@code HttpClient} hands each exchange between the caller, its selector thread and its executor,
 * which on two cores costs about a millisecond per request of its own; load generators such as wrk
 * and h2load read on the calling thread as this does, so figures taken with it are the service's.
 * Not thread-safe: one per client thread.
 */
final class PlainHttpClient implements AutoCloseable {

  private final String host;
  private final int port;
  private final String hostHeader;
  private Socket socket;
  private OutputStream out;
  private InputStream in;

  PlainHttpClient(String base) {
    URI u = URI.create(base);
    this.host = u.getHost();
    this.port = u.getPort();
    this.hostHeader = host + ":" + port;
  }

  /** Sends a request (body JSON, or none) and reads the whole answer. */
  HttpAnswer send(String method, String path, byte[] body) throws IOException {
    IOException first = null;
    for (int attempt = 0; attempt < 2; attempt++) {
      boolean fresh = socket == null;
      try {
        connectIfNeeded();
        return exchange(method, path, body);
      } catch (IOException e) {
        close();
        if (fresh) {
          throw e;
        }
        first = e; // the server closed an idle keep-alive connection: once more on a new one
      }
    }
    throw first;
  }

  HttpAnswer post(String path, byte[] body) throws IOException {
    return send("POST", path, body);
  }

  private void connectIfNeeded() throws IOException {
    if (socket != null) {
      return;
    }
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(new InetSocketAddress(host, port), 10_000);
    s.setSoTimeout(300_000);
    socket = s;
    out = s.getOutputStream();
    in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
  }

  private HttpAnswer exchange(String method, String path, byte[] body) throws IOException {
    StringBuilder head = new StringBuilder(128);
    head.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ").append(hostHeader);
    head.append("\r\nAccept: application/json");
    if (body != null) {
      head.append("\r\nContent-Type: application/json\r\nContent-Length: ").append(body.length);
    } else if (!method.equals("GET") && !method.equals("HEAD")) {
      head.append("\r\nContent-Length: 0");
    }
    head.append("\r\n\r\n");
    byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] request = h;
    if (body != null) {
      request = new byte[h.length + body.length];
      System.arraycopy(h, 0, request, 0, h.length);
      System.arraycopy(body, 0, request, h.length, body.length);
    }
    out.write(request);
    out.flush();

    String status = line();
    if (status.isEmpty()) {
      throw new IOException("connection closed");
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    boolean close = false;
    for (String l = line(); !l.isEmpty(); l = line()) {
      int colon = l.indexOf(':');
      String name = l.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = l.substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> length = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        case "connection" -> close = value.equalsIgnoreCase("close");
        default -> {}
      }
    }
    byte[] content;
    if (method.equals("HEAD") || code == 204 || code == 304) {
      content = new byte[0];
    } else if (chunked) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      while (true) {
        String size = line();
        int semi = size.indexOf(';');
        int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
        if (n == 0) {
          while (!line().isEmpty()) {
            // trailers
          }
          break;
        }
        b.write(in.readNBytes(n));
        line();
      }
      content = b.toByteArray();
    } else if (length >= 0) {
      content = in.readNBytes((int) length);
      if (content.length != length) {
        throw new IOException("connection closed in the body");
      }
    } else {
      content = in.readAllBytes();
      close = true;
    }
    if (close) {
      close();
    }
    return new HttpAnswer(code, new String(content, StandardCharsets.UTF_8));
  }

  private String line() throws IOException {
    StringBuilder b = new StringBuilder(64);
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        int n = b.length();
        return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
      }
      b.append((char) c);
    }
    return b.toString();
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing
      }
      socket = null;
    }
  }
}
