package io.lakeshelf.api.error;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses request bodies over a size limit with 413 {@code PAYLOAD_TOO_LARGE}: at once when the
 * declared length is too large, and while reading when a body without a length grows past it.
 */
public final class RequestSizeLimit extends OncePerRequestFilter {

  private final long maxBytes;
  private final JsonMapper json;

  public RequestSizeLimit(long maxBytes, JsonMapper json) {
    this.maxBytes = maxBytes;
    this.json = json;
  }

  /** Whether a failure was caused by a body over the limit. */
  static boolean isTooLarge(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof BodyTooLargeException) {
        return true;
      }
    }
    return false;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (request.getContentLengthLong() > maxBytes) {
      response.setStatus(ErrorCode.PAYLOAD_TOO_LARGE.status().value());
      response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
      json.writeValue(
          response.getOutputStream(),
          ProblemAdvice.problem(
              ErrorCode.PAYLOAD_TOO_LARGE,
              "the request body has "
                  + request.getContentLengthLong()
                  + " bytes; the limit is "
                  + maxBytes,
              request.getRequestURI()));
      return;
    }
    chain.doFilter(new Limited(request, maxBytes), response);
  }

  /** Thrown when a body grows past the limit while it is read. */
  static final class BodyTooLargeException extends IOException {
    BodyTooLargeException(long max) {
      super("request body larger than " + max + " bytes");
    }
  }

  private static final class Limited extends HttpServletRequestWrapper {
    private final long max;
    private ServletInputStream stream;

    Limited(HttpServletRequest request, long max) {
      super(request);
      this.max = max;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        ServletInputStream in = super.getInputStream();
        stream =
            new ServletInputStream() {
              private long read;

              private void count(long n) throws BodyTooLargeException {
                read += n;
                if (read > max) {
                  throw new BodyTooLargeException(max);
                }
              }

              @Override
              public int read() throws IOException {
                int b = in.read();
                if (b >= 0) {
                  count(1);
                }
                return b;
              }

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n > 0) {
                  count(n);
                }
                return n;
              }

              @Override
              public boolean isFinished() {
                return in.isFinished();
              }

              @Override
              public boolean isReady() {
                return in.isReady();
              }

              @Override
              public void setReadListener(ReadListener listener) {
                in.setReadListener(listener);
              }
            };
      }
      return stream;
    }
  }
}
