package io.lakeshelf.api.config;

import io.lakeshelf.api.error.ProblemErrorReportValve;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.tomcat.util.buf.EncodedSolidusHandling;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import tools.jackson.databind.json.JsonMapper;

/**
 * How Tomcat treats request paths, so that any document id can be addressed and every refusal is
 * problem+json:
 *
 * <ul>
 *   <li>{@code %2F} and {@code %5C} pass through undecoded ({@code encodedSolidusHandling} and
 *       {@code encodedReverseSolidusHandling} = {@code passthrough}) instead of Tomcat's HTML 400
 *       (or, for {@code %5C}, a decoded {@code \}): they stay part of their segment, for Tomcat's
 *       normalization, for Spring's routing (which splits the raw path at {@code /} only) and for
 *       the API-key rules. No dot segment is resolved across them.
 *   <li>Request bodies are never parsed as form parameters ({@code parseBodyMethods} empty):
 *       parameters come from the query string alone, which {@link
 *       io.lakeshelf.api.error.QueryStringCheck} checks before anything reads it.
 *   <li>What Tomcat refuses before any servlet runs (a malformed escape, escapes that are not
 *       UTF-8) is reported by {@link ProblemErrorReportValve}: problem+json with a code, not HTML.
 * </ul>
 */
final class TomcatRequestUris implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

  private final JsonMapper json;

  TomcatRequestUris(JsonMapper json) {
    this.json = json;
  }

  @Override
  public void customize(TomcatServletWebServerFactory factory) {
    factory.addConnectorCustomizers(
        connector -> {
          connector.setEncodedSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue());
          connector.setEncodedReverseSolidusHandling(
              EncodedSolidusHandling.PASS_THROUGH.getValue());
          // Parameters come from the query string only: a form body is never parsed (the API takes
          // JSON, and refuses a form with 415 rather than failing on its escapes).
          connector.setParseBodyMethods("");
        });
    factory.addContextCustomizers(
        context -> {
          if (!(context.getParent() instanceof StandardHost host)) {
            return;
          }
          // The host adds an ErrorReportValve of this class when it starts, unless it has one.
          host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
          // Replace any other report valve (Spring Boot adds one) once every customizer has run.
          host.addLifecycleListener(
              event -> {
                if (!Lifecycle.BEFORE_START_EVENT.equals(event.getType())) {
                  return;
                }
                boolean present = false;
                for (Valve valve : host.getPipeline().getValves()) {
                  if (valve instanceof ProblemErrorReportValve) {
                    present = true;
                  } else if (valve instanceof ErrorReportValve) {
                    host.getPipeline().removeValve(valve);
                  }
                }
                if (!present) {
                  host.getPipeline().addValve(new ProblemErrorReportValve(json));
                }
              });
        });
  }
}
