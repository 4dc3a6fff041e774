package dev.cvd;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Enforces the module dependency table of the design document on the main code. */
class ModuleBoundariesTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        // Also when the build folder is not called target.
                        .withImportOption(location -> !location.contains("/test-classes/"))
                        .importPackages("dev.cvd");
    }

    @Test
    void modulesUseOnlyTheModulesTheyMayUse() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .withOptionalLayers(true)
                .layer("market")
                .definedBy("dev.cvd.market..")
                .layer("ingest")
                .definedBy("dev.cvd.ingest..")
                .layer("features")
                .definedBy("dev.cvd.features..")
                .layer("scoring")
                .definedBy("dev.cvd.scoring..")
                .layer("training")
                .definedBy("dev.cvd.training..")
                .layer("registry")
                .definedBy("dev.cvd.registry..")
                .layer("api")
                .definedBy("dev.cvd.api..")
                .layer("cli")
                .definedBy("dev.cvd.cli..")
                .layer("kafka")
                .definedBy("dev.cvd.kafka..")
                .whereLayer("market")
                .mayOnlyBeAccessedByLayers(
                        "ingest", "features", "scoring", "training", "api", "cli", "kafka")
                .whereLayer("ingest")
                .mayOnlyBeAccessedByLayers("training", "api", "cli")
                .whereLayer("features")
                .mayOnlyBeAccessedByLayers("scoring", "training", "api", "cli")
                .whereLayer("scoring")
                .mayOnlyBeAccessedByLayers("training", "api", "cli")
                .whereLayer("registry")
                .mayOnlyBeAccessedByLayers("training", "cli")
                .whereLayer("training")
                .mayOnlyBeAccessedByLayers("cli")
                .whereLayer("api")
                .mayOnlyBeAccessedByLayers("cli")
                .whereLayer("cli")
                .mayNotBeAccessedByAnyLayer()
                // The platform (embedded broker, channel names) serves every stage.
                .whereLayer("kafka")
                .mayOnlyBeAccessedByLayers("ingest", "features", "scoring", "api", "cli")
                .check(classes);
    }

    @Test
    void marketUsesNoOtherModule() {
        noClasses()
                .that()
                .resideInAPackage("dev.cvd.market..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.cvd.ingest..",
                        "dev.cvd.features..",
                        "dev.cvd.scoring..",
                        "dev.cvd.training..",
                        "dev.cvd.registry..",
                        "dev.cvd.api..",
                        "dev.cvd.cli..",
                        "dev.cvd.kafka..")
                .check(classes);
    }

    @Test
    void registryUsesNoOtherModule() {
        noClasses()
                .that()
                .resideInAPackage("dev.cvd.registry..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.cvd.market..",
                        "dev.cvd.ingest..",
                        "dev.cvd.features..",
                        "dev.cvd.scoring..",
                        "dev.cvd.training..",
                        "dev.cvd.api..",
                        "dev.cvd.cli..",
                        "dev.cvd.kafka..")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void modulesAreFreeOfCycles() {
        slices().matching("dev.cvd.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void numericCoresArePlainJava() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.cvd.market", "dev.cvd.features", "dev.cvd.scoring")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.quarkus..", "io.smallrye..", "jakarta..", "io.vertx..")
                .check(classes);
    }
}
