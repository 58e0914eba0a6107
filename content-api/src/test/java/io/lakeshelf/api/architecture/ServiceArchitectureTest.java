package io.lakeshelf.api.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.lakeshelf.content.architecture.PackageInfoRule;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestController;

/**
 * The boundaries inside the service, checked on its compiled main classes: controllers map HTTP to
 * the services and back and never reach an index, a table or storage themselves; exceptions become
 * HTTP answers in one place; Delta Kernel's internals stay out.
 */
class ServiceArchitectureTest {

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
          .importPackages("io.lakeshelf.api");

  @Test
  void controllersUseServicesNotIndexesOrStorage() {
    noClasses()
        .that()
        .areAnnotatedWith(RestController.class)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.lakeshelf.content.storage..",
            "io.lakeshelf.content.scan..",
            "io.delta.kernel..",
            "org.apache.lucene..",
            "software.amazon.awssdk..")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.lakeshelf.index.VectorIndex")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.lakeshelf.index.VectorIndex$View")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.lakeshelf.content.rows.RowReader")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.lakeshelf.content.rows.DocumentReader")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.lakeshelf.content.table.ContentTable")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.lakeshelf.content.table.TableSnapshot")
        .because("a controller maps HTTP to a service and back; the service runs the path")
        .check(MAIN);
  }

  @Test
  void exceptionsBecomeHttpAnswersInOnePlace() {
    noMethods()
        .that()
        .areAnnotatedWith(ExceptionHandler.class)
        .should()
        .beDeclaredInClassesThat()
        .doNotHaveFullyQualifiedName("io.lakeshelf.api.error.ProblemAdvice")
        .because("ProblemAdvice alone maps exceptions to status and error code")
        .check(MAIN);
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("io.lakeshelf.api.(*)..").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void noKernelInternals() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.delta.kernel.internal..", "io.delta.kernel.defaults.internal..")
        .check(MAIN);
  }

  @Test
  void everyPackageSaysWhatItIs() {
    PackageInfoRule.check(MAIN);
  }
}
