package io.lakeshelf.api.error;

import io.delta.kernel.exceptions.KernelException;
import io.lakeshelf.content.ContentException;
import io.lakeshelf.content.storage.StorageException;
import io.lakeshelf.index.IndexException;
import io.lakeshelf.index.embed.EmbeddingClosedException;
import io.lakeshelf.index.embed.EmbeddingRejectedException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Turns every failure into an RFC 9457 {@code application/problem+json} answer with a stable {@code
 * code}: refusals the API raises, the ones Spring MVC raises before a controller runs, and, as a
 * last resort, unexpected failures (500, logged, with no stack trace in the answer).
 *
 * <p>This is the one place where exceptions become an HTTP status and an {@link ErrorCode}: the
 * libraries' exceptions ({@link ContentException}, {@link IndexException}, storage failures) by
 * their reason, the API's own refusals ({@link ApiException}) by their code. Anything else,
 * including an {@link IllegalArgumentException} (an internal bug, not a bad request: requests are
 * refused with a specific exception), answers 500 {@code INTERNAL_ERROR}.
 */
@RestControllerAdvice
public class ProblemAdvice extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

  /** Builds the problem body for a code; also used by filters outside MVC. */
  public static ProblemDetail problem(ErrorCode code, String detail, String instance) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(code.status(), detail);
    p.setType(URI.create(code.typeUri()));
    p.setTitle(code.status().getReasonPhrase());
    p.setProperty("code", code.name());
    if (instance != null) {
      try {
        p.setInstance(URI.create(instance));
      } catch (IllegalArgumentException e) {
        // A path Tomcat accepted that java.net.URI does not (such as '[' in a segment): no
        // instance.
      }
    }
    return p;
  }

  private static ResponseEntity<Object> answer(
      ErrorCode code, String detail, String path, List<FieldError> errors) {
    ProblemDetail p = problem(code, detail, path);
    if (!errors.isEmpty()) {
      p.setProperty("errors", errors);
    }
    ResponseEntity.BodyBuilder answer =
        ResponseEntity.status(code.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON);
    if (code.status() == HttpStatus.SERVICE_UNAVAILABLE) {
      // OVERLOADED, SHUTTING_DOWN, STORAGE_UNAVAILABLE: nothing was done; a client that honours
      // Retry-After (RFC 9110, 10.2.3) backs off for a second instead of retrying at once
      answer.header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
    }
    return answer.body(p);
  }

  /** What 503 answers ask clients to wait before retrying. */
  static final String RETRY_AFTER_SECONDS = "1";

  @ExceptionHandler(ApiException.class)
  ResponseEntity<Object> api(ApiException e, HttpServletRequest request) {
    return answer(e.code(), e.getMessage(), request.getRequestURI(), e.errors());
  }

  /**
   * The content model's failures, by reason. A schema problem that is really a storage failure (the
   * store could not be read) answers as one.
   */
  @ExceptionHandler(ContentException.class)
  ResponseEntity<Object> content(ContentException e, HttpServletRequest request) {
    if (e.reason() == ContentException.Reason.SCHEMA_MISMATCH) {
      var storage = storageFailure(e, request);
      if (storage != null) {
        return storage;
      }
    }
    ErrorCode code =
        switch (e.reason()) {
          case MISSING_TABLE, SCHEMA_MISMATCH -> ErrorCode.TABLE_UNREADABLE;
          case WRITE_CONFLICT -> ErrorCode.WRITE_CONFLICT;
          case DIMENSION_MISMATCH -> ErrorCode.DIMENSION_MISMATCH;
          case INVALID_VECTOR -> ErrorCode.INVALID_REQUEST;
        };
    return answer(code, e.getMessage(), request.getRequestURI(), List.of());
  }

  /** The vector index's failures (filters, queries, embedding), by reason. */
  @ExceptionHandler(IndexException.class)
  ResponseEntity<Object> index(IndexException e, HttpServletRequest request) {
    return switch (e.reason()) {
      case TABLE_UNREADABLE ->
          answer(ErrorCode.TABLE_UNREADABLE, e.getMessage(), request.getRequestURI(), List.of());
      case FIELD_NOT_FILTERABLE ->
          answer(
              ErrorCode.FIELD_NOT_FILTERABLE, e.getMessage(), request.getRequestURI(), List.of());
      case INVALID_FILTER ->
          answer(ErrorCode.INVALID_FILTER, e.getMessage(), request.getRequestURI(), List.of());
      case INVALID_QUERY ->
          answer(ErrorCode.INVALID_REQUEST, e.getMessage(), request.getRequestURI(), List.of());
      case EMBEDDING_OVERLOADED -> overloaded(e.getMessage(), request);
      case EMBEDDING_CLOSED -> shuttingDown(request);
      case EMBEDDING_FAILED -> {
        log.error(
            "Embedding failed answering {} {}", request.getMethod(), request.getRequestURI(), e);
        // The message is the one the service wrapped the model's failure in: it names the model
        // only.
        yield answer(ErrorCode.INTERNAL_ERROR, e.getMessage(), request.getRequestURI(), List.of());
      }
    };
  }

  /** 503 {@code OVERLOADED}: the embedding pool had no room for the request's texts in time. */
  @ExceptionHandler(EmbeddingRejectedException.class)
  ResponseEntity<Object> embeddingBusy(EmbeddingRejectedException e, HttpServletRequest request) {
    return overloaded(e.getMessage(), request);
  }

  /**
   * 503 {@code SHUTTING_DOWN}: embedding stopped taking texts, so nothing of the request was
   * written.
   */
  @ExceptionHandler(EmbeddingClosedException.class)
  ResponseEntity<Object> embeddingClosed(EmbeddingClosedException e, HttpServletRequest request) {
    return shuttingDown(request);
  }

  private static ResponseEntity<Object> overloaded(String message, HttpServletRequest request) {
    return answer(
        ErrorCode.OVERLOADED,
        "embedding is busy: " + message + "; retry later",
        request.getRequestURI(),
        List.of());
  }

  private static ResponseEntity<Object> shuttingDown(HttpServletRequest request) {
    return answer(
        ErrorCode.SHUTTING_DOWN,
        "the service is shutting down; nothing was written: retry on another instance or later",
        request.getRequestURI(),
        List.of());
  }

  /** Delta Kernel refused the table: a storage failure under it, else an unreadable table. */
  @ExceptionHandler(KernelException.class)
  ResponseEntity<Object> kernel(RuntimeException e, HttpServletRequest request) {
    var storage = storageFailure(e, request);
    if (storage != null) {
      return storage;
    }
    return answer(ErrorCode.TABLE_UNREADABLE, e.getMessage(), request.getRequestURI(), List.of());
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<Object> typeMismatch(
      MethodArgumentTypeMismatchException e, HttpServletRequest request) {
    return answer(
        ErrorCode.INVALID_REQUEST,
        "parameter '" + e.getName() + "' has an invalid value",
        request.getRequestURI(),
        List.of());
  }

  /**
   * 503 {@code STORAGE_UNAVAILABLE} when the store failed (after the SDK's retries), saying why:
   * unreachable, throttled, access denied, no such bucket. Nothing was half-written: a commit that
   * fails is not visible, and the index did not change.
   */
  private static ResponseEntity<Object> storageFailure(Throwable e, HttpServletRequest request) {
    return StorageException.find(e)
        .map(
            s -> {
              log.warn(
                  "Storage failed answering {} {}: {}",
                  request.getMethod(),
                  request.getRequestURI(),
                  s.getMessage());
              if (s.reason() == StorageException.Reason.FULL) {
                return answer(
                    ErrorCode.STORAGE_FULL,
                    "the file system is full, nothing was committed: " + s.getMessage(),
                    request.getRequestURI(),
                    List.of());
              }
              return answer(
                  ErrorCode.STORAGE_UNAVAILABLE,
                  "table storage failed: " + s.getMessage(),
                  request.getRequestURI(),
                  List.of());
            })
        .orElse(null);
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Object> unexpected(Exception e, HttpServletRequest request) {
    var storage = storageFailure(e, request);
    if (storage != null) {
      return storage;
    }
    log.error(
        "Unexpected failure answering {} {}", request.getMethod(), request.getRequestURI(), e);
    return answer(
        ErrorCode.INTERNAL_ERROR,
        "the request failed unexpectedly; the server log has the details",
        request.getRequestURI(),
        List.of());
  }

  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception ex,
      Object body,
      HttpHeaders headers,
      HttpStatusCode statusCode,
      WebRequest request) {
    String path =
        request instanceof ServletWebRequest swr ? swr.getRequest().getRequestURI() : null;
    ErrorCode code = codeFor(ex, statusCode);
    String detail = detailFor(ex, code);
    ProblemDetail p = problem(code, detail, path);
    return ResponseEntity.status(code.status())
        .headers(headers)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(p);
  }

  private static ErrorCode codeFor(Exception ex, HttpStatusCode status) {
    if (RequestSizeLimit.isTooLarge(ex)) {
      return ErrorCode.PAYLOAD_TOO_LARGE;
    }
    if (ex instanceof NoResourceFoundException) {
      return ErrorCode.NOT_FOUND;
    }
    if (ex instanceof HttpRequestMethodNotSupportedException) {
      return ErrorCode.METHOD_NOT_ALLOWED;
    }
    if (ex instanceof HttpMediaTypeNotSupportedException) {
      return ErrorCode.UNSUPPORTED_MEDIA_TYPE;
    }
    if (ex instanceof HttpMediaTypeNotAcceptableException) {
      return ErrorCode.NOT_ACCEPTABLE;
    }
    if (status.value() == HttpStatus.CONTENT_TOO_LARGE.value()) {
      return ErrorCode.PAYLOAD_TOO_LARGE;
    }
    if (status.is4xxClientError()) {
      return ErrorCode.INVALID_REQUEST;
    }
    return ErrorCode.INTERNAL_ERROR;
  }

  private static String detailFor(Exception ex, ErrorCode code) {
    if (code == ErrorCode.PAYLOAD_TOO_LARGE) {
      return "the request body is larger than the configured limit";
    }
    if (ex instanceof HttpMessageNotReadableException unreadable) {
      return RequestBodyErrors.describe(unreadable);
    }
    return switch (code) {
      case NOT_FOUND -> "no such endpoint";
      case METHOD_NOT_ALLOWED -> ex.getMessage();
      case UNSUPPORTED_MEDIA_TYPE -> "send application/json";
      case INTERNAL_ERROR -> "the request failed unexpectedly";
      default -> ex.getMessage();
    };
  }
}
