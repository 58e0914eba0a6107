package io.lakeshelf.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Starts the Lakeshelf service. With no configuration it keeps its data in ./lakeshelf-data. */
@SpringBootApplication
public class LakeshelfApplication {

  public static void main(String[] args) {
    if (Runtime.version().feature() < 21) {
      System.err.println(
          "Lakeshelf needs Java 21 or newer; this is Java "
              + Runtime.version()
              + ". Install a JDK 21+ (for example Temurin 21) and set JAVA_HOME to it.");
      System.exit(1);
    }
    SpringApplication.run(LakeshelfApplication.class, args);
  }
}
