package io.lakeshelf.index.embed;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The embedding models a deployment offers, by name: what a collection definition's {@code "embed":
 * "all-minilm-l6-v2"} refers to.
 *
 * <p>{@link #withBuiltIns()} knows the bundled {@value MiniLmEmbedder#NAME}; a deployment adds its
 * own {@link TextEmbedder}s with {@link #register}. A model is loaded when it is first asked for,
 * once: concurrent first callers wait for the one load, and a load that fails is tried again by the
 * next caller. {@link #close()} closes the models loaded. Safe for concurrent use.
 */
public final class EmbeddingModels implements AutoCloseable {

  /**
   * Model names: lower-case letters, digits, '.', '_', '-' and '/', starting with a letter or
   * digit.
   */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._/-]{0,127}");

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** A registry with no model; see {@link #withBuiltIns()}. */
  public EmbeddingModels() {}

  /** A registry with the bundled models: {@value MiniLmEmbedder#NAME}. */
  public static EmbeddingModels withBuiltIns() {
    EmbeddingModels models = new EmbeddingModels();
    models.register(MiniLmEmbedder.NAME, MiniLmEmbedder::load);
    return models;
  }

  /**
   * Adds a model, loaded by {@code loader} when first asked for; the model it returns must carry
   * the same {@code name}.
   *
   * @throws IllegalArgumentException if the name is not a {@link #NAME} or is taken
   */
  public void register(String name, Supplier<? extends TextEmbedder> loader) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(loader, "loader");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "invalid embedding model name '"
              + name
              + "': use "
              + "lower-case letters, digits, '.', '_', '-' and '/'");
    }
    checkOpen();
    if (entries.putIfAbsent(name, new Entry(name, loader)) != null) {
      throw new IllegalArgumentException(
          "an embedding model named '" + name + "' is registered already");
    }
  }

  /** The names of the models registered, sorted. */
  public Set<String> names() {
    return new TreeSet<>(entries.keySet());
  }

  public boolean contains(String name) {
    return entries.containsKey(name);
  }

  /** Whether the model has been loaded (by an earlier {@link #get}). */
  public boolean isLoaded(String name) {
    Entry e = entries.get(name);
    return e != null && e.loaded();
  }

  /**
   * The model named {@code name}, loaded now if it is not yet.
   *
   * @throws IllegalArgumentException if no model has that name
   * @throws EmbeddingException if the model fails to load
   * @throws IllegalStateException if the registry is closed
   */
  public TextEmbedder get(String name) {
    Objects.requireNonNull(name, "name");
    Entry e = entries.get(name);
    if (e == null) {
      throw new IllegalArgumentException(
          "unknown embedding model '" + name + "'; the models are " + names());
    }
    return e.get();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the embedding models are closed");
    }
  }

  /** Closes the models loaded; the registry takes no more calls. */
  @Override
  public void close() {
    closed = true;
    for (Entry e : entries.values()) {
      e.close();
    }
  }

  private final class Entry {
    private final String name;
    private final Supplier<? extends TextEmbedder> loader;
    private TextEmbedder model; // guarded by this

    Entry(String name, Supplier<? extends TextEmbedder> loader) {
      this.name = name;
      this.loader = loader;
    }

    synchronized boolean loaded() {
      return model != null;
    }

    synchronized TextEmbedder get() {
      checkOpen();
      if (model == null) {
        TextEmbedder loaded;
        try {
          loaded = Objects.requireNonNull(loader.get(), "the loader returned no model");
        } catch (EmbeddingException e) {
          throw e;
        } catch (RuntimeException e) {
          throw new EmbeddingException(
              "cannot load embedding model '" + name + "': " + e.getMessage(), e);
        }
        if (!name.equals(loaded.name())) {
          loaded.close();
          throw new EmbeddingException(
              "the model registered as '" + name + "' calls itself '" + loaded.name() + "'");
        }
        model = loaded;
      }
      return model;
    }

    synchronized void close() {
      if (model != null) {
        model.close();
      }
    }
  }
}
