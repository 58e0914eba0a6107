package io.lakeshelf.api.console;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/** Says at start where the console and the API are, so a first user knows where to look. */
@Component
public class ConsoleAddress implements ApplicationListener<WebServerInitializedEvent> {

  private static final Logger log = LoggerFactory.getLogger(ConsoleAddress.class);

  @Override
  public void onApplicationEvent(WebServerInitializedEvent event) {
    int port = event.getWebServer().getPort();
    log.info(
        "Console at http://localhost:{}/ ; API at http://localhost:{}/v1 (described at"
            + " /v3/api-docs)",
        port,
        port);
  }
}
