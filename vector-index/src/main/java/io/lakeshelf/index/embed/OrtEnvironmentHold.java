package io.lakeshelf.index.embed;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps ONNX Runtime's native environment alive until the process ends.
 *
 * <p>ONNX Runtime's Java binding registers a JVM shutdown hook ({@code
 * OrtEnvironment$OrtEnvCloser}) that releases the native environment as soon as the JVM begins to
 * shut down. Shutdown hooks run concurrently, so it releases the environment while the
 * application's own hook (Spring's context close, which lets running requests finish) still runs
 * models: a session run, or a session close, after that release reads freed memory, and the JVM
 * dies with SIGSEGV in {@code libonnxruntime.so} (issue 12; onnxruntime issue 31352). The hook
 * cannot be removed nor ordered.
 *
 * <p>The native environment is reference-counted: each {@code CreateEnv} returns the one instance
 * and counts a reference, each {@code ReleaseEnv} drops one and frees it at zero. So this class
 * takes one more reference, once, and never drops it: the hook then only drops its own, and the
 * environment stays valid for every session until the process exits, after the application has
 * closed its sessions. The reference is taken through the binding's private native method (there is
 * no public one); if a later version of the binding lacks it, a warning says so and the environment
 * is used without the extra reference, as before.
 */
final class OrtEnvironmentHold {

  private static final Logger log = LoggerFactory.getLogger(OrtEnvironmentHold.class);

  private static boolean held; // guarded by the class

  private OrtEnvironmentHold() {}

  /** The shared environment, with this process's extra reference on it taken. */
  static synchronized OrtEnvironment environment() {
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    if (!held) {
      held = true;
      try {
        Field api =
            Class.forName("ai.onnxruntime.OnnxRuntime", true, OrtEnvironment.class.getClassLoader())
                .getDeclaredField("ortApiHandle");
        api.setAccessible(true);
        Method create =
            OrtEnvironment.class.getDeclaredMethod(
                "createHandle", long.class, int.class, String.class);
        create.setAccessible(true);
        long handle =
            (long)
                create.invoke(
                    null,
                    api.getLong(null),
                    OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING.getValue(),
                    OrtEnvironment.DEFAULT_NAME);
        Field nativeHandle = OrtEnvironment.class.getDeclaredField("nativeHandle");
        nativeHandle.setAccessible(true);
        if (handle != nativeHandle.getLong(environment)) {
          log.warn(
              "ONNX Runtime returned a second environment, not the shared one: a shutdown while a "
                  + "model runs may crash the JVM");
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        log.warn(
            "Cannot keep ONNX Runtime's environment alive until exit ({}): a shutdown while a model"
                + " runs may crash the JVM",
            e.toString());
      }
    }
    return environment;
  }
}
