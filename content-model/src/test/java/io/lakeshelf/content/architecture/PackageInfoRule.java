package io.lakeshelf.content.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import java.util.Set;
import java.util.TreeSet;

/** Every package of main code has a {@code package-info.java}: one line saying what it is. */
public final class PackageInfoRule {

  private PackageInfoRule() {}

  public static void check(JavaClasses classes) {
    Set<String> packages = new TreeSet<>();
    Set<String> described = new TreeSet<>();
    for (JavaClass c : classes) {
      packages.add(c.getPackageName());
      if (c.getSimpleName().equals("package-info")) {
        described.add(c.getPackageName());
      }
    }
    packages.removeAll(described);
    assertThat(packages).as("packages without a package-info.java").isEmpty();
  }
}
