package io.lakeshelf.image;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.lakeshelf.content.architecture.PackageInfoRule;
import org.junit.jupiter.api.Test;

/** Every package of the module says what it is. */
class ImageArchitectureTest {

  @Test
  void everyPackageHasAPackageInfo() {
    PackageInfoRule.check(
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("io.lakeshelf.image"));
  }
}
