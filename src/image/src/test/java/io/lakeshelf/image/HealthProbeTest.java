package io.lakeshelf.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The probe's exit codes against a real HTTP server: 0 on 200, 1 on anything else. */
class HealthProbeTest {

  @Test
  void okIsZeroAndAnythingElseIsOne() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
    server.createContext(
        "/up",
        x -> {
          byte[] body = "{\"status\":\"UP\"}".getBytes();
          x.sendResponseHeaders(200, body.length);
          x.getResponseBody().write(body);
          x.close();
        });
    server.createContext(
        "/down",
        x -> {
          x.sendResponseHeaders(503, -1);
          x.close();
        });
    server.start();
    try {
      String base = "http://localhost:" + server.getAddress().getPort();
      assertThat(HealthProbe.probe(base + "/up")).isZero();
      assertThat(HealthProbe.probe(base + "/down")).isEqualTo(1);
      assertThat(HealthProbe.probe(base + "/missing")).isEqualTo(1);
    } finally {
      server.stop(0);
    }
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    assertThat(HealthProbe.probe("http://localhost:" + closed + "/")).isEqualTo(1);
    assertThat(HealthProbe.probe("not a url")).isEqualTo(1);
  }
}
