package io.lakeshelf.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.lakeshelf.content.architecture.PackageInfoRule;
import org.junit.jupiter.api.Test;

/**
 * The CLI's boundaries: no Spring, Lakeshelf reached over HTTP only (no service, index or table
 * classes), and every package says what it is.
 */
class CliArchitectureTest {

  static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
          .importPackages("io.lakeshelf.cli");

  @Test
  void noSpring() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.springframework..")
        .check(MAIN);
  }

  @Test
  void lakeshelfIsReachedOverHttpOnly() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.lakeshelf.api..", "io.lakeshelf.index..", "io.lakeshelf.content..")
        .check(MAIN);
  }

  @Test
  void theClientDoesNotReachTheCommands() {
    noClasses()
        .that()
        .resideInAnyPackage("io.lakeshelf.cli.client..", "io.lakeshelf.cli.source..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.lakeshelf.cli")
        .check(MAIN);
  }

  @Test
  void everyPackageHasAPackageInfo() {
    PackageInfoRule.check(MAIN);
  }
}
