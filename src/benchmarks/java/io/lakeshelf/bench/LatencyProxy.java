package io.lakeshelf.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP proxy that holds each request for a fixed delay before passing it on: an object store that
 * is that far away. Every chunk the client sends after a pause (a new request on a kept-alive
 * connection) waits {@code delayMs}; answers flow back at once.
 */
final class LatencyProxy implements AutoCloseable {

  private final ServerSocket server;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

  LatencyProxy(int targetPort, long delayMs) throws IOException {
    server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    threads.execute(
        () -> {
          while (!server.isClosed()) {
            try {
              Socket client = server.accept();
              client.setTcpNoDelay(true);
              Socket upstream = new Socket();
              upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
              upstream.setTcpNoDelay(true);
              threads.execute(() -> pump(client, upstream, delayMs));
              threads.execute(() -> pump(upstream, client, 0));
            } catch (IOException e) {
              return;
            }
          }
        });
  }

  int port() {
    return server.getLocalPort();
  }

  private static void pump(Socket from, Socket to, long delayMs) {
    byte[] buf = new byte[64 << 10];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      long lastNanos = 0;
      int n;
      while ((n = in.read(buf)) >= 0) {
        long now = System.nanoTime();
        // a chunk after a quiet moment starts a request: it pays the round trip
        if (delayMs > 0 && now - lastNanos > 2_000_000) {
          Thread.sleep(delayMs);
        }
        lastNanos = System.nanoTime();
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // connection closed
    } finally {
      try {
        from.close();
        to.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
