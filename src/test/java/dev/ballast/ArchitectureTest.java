package dev.ballast;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import java.util.Arrays;
import java.util.Set;

/**
 * The floors of the code, from the ground up, and what may cross them. An arrow (an import) may only point
 * down a floor or stay on its own:
 * <ol>
 *   <li>{@code internals}: the one seam into Vert.x, Netty and Quarkus cache internals, checked at start-up;</li>
 *   <li>{@code facts}: what a committed write did, as plain values (it imports nothing of the project);
 *       {@code failures}: why a request is refused (not found, taken, invalid, not the author, not signed in), as
 *       plain exceptions that {@code http} maps to answers (it imports nothing of the project either);</li>
 *   <li>{@code db}: the pool, the gate every statement passes, the heartbeat;</li>
 *   <li>the machinery features share: {@code cache}, {@code http}, {@code auth}, {@code health},
 *       {@code viewer}, {@code archive};</li>
 *   <li>{@code protection}: admission, rate and connection limits;</li>
 *   <li>the features: {@code user}, {@code profile}, {@code article}, {@code comment}, {@code tag}. One does not
 *       reach into another, except through what is public by design: {@link #PUBLIC_BY_DESIGN}.</li>
 * </ol>
 */
@AnalyzeClasses(packages = "dev.ballast", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String[] FEATURES = {"user", "profile", "article", "comment", "tag"};

    /**
     * The author as every feature shows them (articles, comments): read beside them ({@code profile.ProfileRow}),
     * written into their JSON ({@code profile.ProfileJson}) and in their schema ({@code profile.Profile}). The bound
     * on an account's new tags, which a new article must fit before it is written: {@code tag.NewTags}.
     */
    private static final Set<String> PUBLIC_BY_DESIGN = Set.of("dev.ballast.profile.Profile", "dev.ballast.profile.ProfileRow",
            "dev.ballast.profile.ProfileJson", "dev.ballast.tag.NewTags");

    @ArchTest
    static final ArchRule floorsPointDown = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("features").definedBy(packages(FEATURES))
            .layer("protection").definedBy("dev.ballast.protection..")
            .layer("shared machinery").definedBy(packages("cache", "http", "auth", "health", "viewer", "archive"))
            .layer("db").definedBy("dev.ballast.db..")
            .layer("facts").definedBy("dev.ballast.facts..")
            .layer("failures").definedBy("dev.ballast.failures..")
            .layer("internals").definedBy("dev.ballast.internals..")
            .whereLayer("features").mayNotBeAccessedByAnyLayer()
            .whereLayer("protection").mayOnlyBeAccessedByLayers("features")
            .whereLayer("shared machinery").mayOnlyBeAccessedByLayers("protection", "features")
            .whereLayer("db").mayOnlyBeAccessedByLayers("shared machinery", "protection", "features")
            .whereLayer("facts").mayOnlyBeAccessedByLayers("shared machinery", "protection", "features")
            .whereLayer("failures").mayOnlyBeAccessedByLayers("shared machinery", "protection", "features")
            .whereLayer("internals").mayOnlyBeAccessedByLayers("db", "shared machinery", "protection", "features");

    @ArchTest
    static final ArchRule featuresMeetOnlyThroughWhatIsPublicByDesign = CompositeArchRule.of(Arrays.stream(FEATURES)
            .map(ArchitectureTest::keepsToItself).toList());

    @ArchTest
    static final ArchRule packagesFormNoCircle = slices().matching("dev.ballast.(*)..").should().beFreeOfCycles();

    /**
     * Outside the gate (and its call), no connection is taken from the pool nor a statement run on it; the
     * exceptions, with their reasons, are written on {@code db.DatabaseGate}: the heartbeat and the cache listener
     * hold connections of their own (no pool), and the internals check closes one pooled connection's socket.
     */
    @ArchTest
    static final ArchRule statementsPassThroughTheGate = noClasses()
            .that().doNotHaveFullyQualifiedName("dev.ballast.db.DatabaseGate")
            .and().doNotHaveFullyQualifiedName("dev.ballast.db.GatedCall")
            .and().doNotHaveFullyQualifiedName("dev.ballast.internals.InternalsCheck")
            .should().callMethodWhere(DescribedPredicate.describe("a statement or a connection of the pool",
                    (JavaMethodCall call) -> (call.getTargetOwner().isAssignableTo(io.vertx.sqlclient.Pool.class)
                            || call.getTargetOwner().isAssignableTo(io.vertx.mutiny.sqlclient.Pool.class))
                            && Set.of("query", "preparedQuery", "getConnection", "withConnection", "withTransaction")
                                    .contains(call.getName())));

    @ArchTest
    static final ArchRule frameworkInternalsStayBehindTheirAdapter = noClasses()
            .that().resideOutsideOfPackage("dev.ballast.internals..")
            .should().dependOnClassesThat().resideInAnyPackage("io.vertx..impl..")
            .orShould().callMethod(io.netty.channel.Channel.class, "unsafe");

    private static ArchRule keepsToItself(String feature) {
        String own = "dev.ballast." + feature + "..";
        String[] others = packages(Arrays.stream(FEATURES).filter(other -> !other.equals(feature)).toArray(String[]::new));
        return noClasses().that().resideInAPackage(own)
                .should().dependOnClassesThat(JavaClass.Predicates.resideInAnyPackage(others)
                        .and(DescribedPredicate.describe("not public by design",
                                (JavaClass target) -> !PUBLIC_BY_DESIGN.contains(target.getName()))))
                .as(feature + " reaches no other feature but through what is public by design");
    }

    private static String[] packages(String... names) {
        return Arrays.stream(names).map(name -> "dev.ballast." + name + "..").toArray(String[]::new);
    }
}
