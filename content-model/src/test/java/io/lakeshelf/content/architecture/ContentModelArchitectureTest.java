package io.lakeshelf.content.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The boundaries of content-model, checked on its compiled main classes: the bottom module knows
 * nothing above it (no Spring, no Lucene, no Lakeshelf module), and Delta Kernel's non-public
 * {@code internal} packages are used by one adapter only, so a Kernel upgrade that moves them
 * breaks one class.
 */
class ContentModelArchitectureTest {

  /** The one class that may use Kernel's internal packages. */
  static final String KERNEL_INTERNALS = "io.lakeshelf.content.kernel.KernelInternals";

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
          .importPackages("io.lakeshelf.content");

  @Test
  void knowsNothingAboveIt() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.springframework..",
            "org.apache.lucene..",
            "io.lakeshelf.index..",
            "io.lakeshelf.api..")
        .because("content-model is the bottom module: a plain library over Delta tables")
        .check(MAIN);
  }

  @Test
  void kernelInternalsOnlyInTheAdapter() {
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName(KERNEL_INTERNALS)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.delta.kernel.internal..", "io.delta.kernel.defaults.internal..")
        .because("Kernel's internal packages are not its API; one adapter confines them")
        .check(MAIN);
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("io.lakeshelf.content.(*)..").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void everyPackageSaysWhatItIs() {
    PackageInfoRule.check(MAIN);
  }
}
