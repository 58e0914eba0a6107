package io.lakeshelf.springai;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.lakeshelf.content.architecture.PackageInfoRule;
import org.junit.jupiter.api.Test;

/**
 * The module's boundaries: the store is a plain class (Spring Boot only in the auto-configuration,
 * which the store's package never reaches, so the two packages cannot form a cycle), it talks to
 * Lakeshelf over HTTP only (no service, index or table classes), and every package says what it is.
 */
class SpringAiArchitectureTest {

  static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
          .importPackages("io.lakeshelf.springai");

  @Test
  void theStoreDoesNotNeedSpringBoot() {
    noClasses()
        .that()
        .resideInAPackage("io.lakeshelf.springai")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.springframework.boot..", "io.lakeshelf.springai.autoconfigure..")
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
  void everyPackageHasAPackageInfo() {
    PackageInfoRule.check(MAIN);
  }
}
