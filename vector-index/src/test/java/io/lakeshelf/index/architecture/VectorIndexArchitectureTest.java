package io.lakeshelf.index.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.lakeshelf.content.architecture.PackageInfoRule;
import org.junit.jupiter.api.Test;

/**
 * The boundaries of vector-index, checked on its compiled main classes: a plain library (no Spring,
 * nothing of the service), which sees tables only through content-model's own types: no Delta
 * Kernel, Parquet or Hadoop type crosses into it.
 */
class VectorIndexArchitectureTest {

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
          .importPackages("io.lakeshelf.index");

  @Test
  void noSpringAndNothingOfTheService() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.springframework..", "io.lakeshelf.api..")
        .because("vector-index is a plain library; Spring stays at the edge")
        .check(MAIN);
  }

  @Test
  void noKernelParquetOrHadoopTypes() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.delta.kernel..", "org.apache.parquet..", "org.apache.hadoop..")
        .because("content-model hands the index rows as its own small types")
        .check(MAIN);
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("io.lakeshelf.index.(*)..").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void everyPackageSaysWhatItIs() {
    PackageInfoRule.check(MAIN);
  }
}
