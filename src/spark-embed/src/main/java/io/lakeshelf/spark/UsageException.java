package io.lakeshelf.spark;

/**
 * The job was asked something it cannot do as asked: an unknown or missing option, a value out of
 * range, a column the table lacks or of the wrong type. The job prints the message and its usage
 * and exits with {@value EmbedTableJob#EXIT_USAGE}.
 */
public final class UsageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
