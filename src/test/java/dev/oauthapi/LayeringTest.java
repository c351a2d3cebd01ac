package dev.oauthapi;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.oauthapi.sessions.SessionGate;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's dependency rules, read off the compiled classes of main (so a type named by its
 * full name, or a call, counts as much as an import): {@code api/} is a leaf, only {@code redis/}
 * names Jedis, only {@code db/} speaks SQL, neither store package knows a domain or web package,
 * and {@code sessions/} alone owns session rows and tombstones.
 */
class LayeringTest {
    static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.oauthapi");
    static final String[] DOMAIN_AND_WEB = {"dev.oauthapi.users..", "dev.oauthapi.signin..", "dev.oauthapi.sessions..",
            "dev.oauthapi.tokens..", "dev.oauthapi.identity..", "dev.oauthapi.admin..", "dev.oauthapi.appcheck..",
            "dev.oauthapi.dpop..", "dev.oauthapi.resources..", "dev.oauthapi.http..", "dev.oauthapi.auth..",
            "dev.oauthapi.api.."};
    static final String[] WEB = {"dev.oauthapi.resources..", "dev.oauthapi.http..", "dev.oauthapi.auth..",
            "dev.oauthapi.api.."};

    @Test
    void theImportSeesMain() {
        assertThat(MAIN.contain("dev.oauthapi.users.AccountResolution")).isTrue();
        assertThat(MAIN.contain("dev.oauthapi.dev.DevMode")).as("dev mode is test code").isFalse();
    }

    @Test
    void apiIsALeafOfRecords() {
        final ArchRule rule = classes().that().resideInAPackage("dev.oauthapi.api..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.oauthapi.api..", "java..",
                        "jakarta.validation..", "com.fasterxml.jackson.annotation..")
                .because("the wire contract knows nothing of the domain: resources map one to the other");
        rule.check(MAIN);
    }

    @Test
    void onlyRedisNamesJedis() {
        noClasses().that().resideOutsideOfPackage("dev.oauthapi.redis..")
                .should().dependOnClassesThat().resideInAPackage("redis.clients..")
                .because("redis/ offers its own calls and exception types (RedisException)").check(MAIN);
    }

    /** Handling JDBI's exceptions and configuring it is not SQL; handing it statement text is. */
    @Test
    void onlyDbSpeaksSql() {
        final Set<String> statements = Set.of("execute", "createQuery", "createUpdate", "createCall", "createScript",
                "select", "prepareBatch");
        final DescribedPredicate<JavaMethodCall> sql = DescribedPredicate.describe("a statement given to JDBI",
                call -> call.getTargetOwner().isAssignableTo(Handle.class) && statements.contains(call.getName())
                        && call.getTarget().getRawParameterTypes().stream().anyMatch(type -> type.isEquivalentTo(String.class)));
        noClasses().that().resideOutsideOfPackage("dev.oauthapi.db..").should().callMethodWhere(sql)
                .because("SQL lives in the DAOs").check(MAIN);
    }

    @Test
    void theWebReachesTheStoresOnlyThroughTheDomain() {
        noClasses().that().resideInAnyPackage("dev.oauthapi.resources..", "dev.oauthapi.api..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.oauthapi.db..", "dev.oauthapi.redis..")
                .check(MAIN);
    }

    /**
     * The domain's own order, each layer using only those below it: {@code admin} and
     * {@code signin} over {@code passkeys}, over {@code users}, over {@code sessions}, over
     * {@code appcheck} (the gate sign-in and refresh pass) and {@code dpop} (proofs), over {@code tokens} and
     * {@code identity}; none of them knows the web.
     */
    @Test
    void theDomainPointsOneWay() {
        final String admin = "dev.oauthapi.admin..";
        final String signin = "dev.oauthapi.signin..";
        final String passkeys = "dev.oauthapi.passkeys..";
        final String users = "dev.oauthapi.users..";
        final String sessions = "dev.oauthapi.sessions..";
        below(admin, WEB);
        below(signin, concat(WEB, admin));
        below(passkeys, concat(WEB, admin, signin));
        below(users, concat(WEB, admin, signin, passkeys));
        final String appcheck = "dev.oauthapi.appcheck..";
        below(sessions, concat(WEB, admin, signin, passkeys, users));
        final String dpop = "dev.oauthapi.dpop..";
        below(appcheck, concat(WEB, admin, signin, passkeys, users, sessions, dpop));
        below(dpop, concat(WEB, admin, signin, passkeys, users, sessions, appcheck));
        below("dev.oauthapi.tokens..", concat(WEB, admin, signin, passkeys, users, sessions, appcheck, dpop));
        below("dev.oauthapi.identity..", concat(WEB, admin, signin, passkeys, users, sessions, appcheck, dpop));
    }

    /** HTTP plumbing knows requests, not who makes them: the auth glue hands it what it needs. */
    @Test
    void httpKnowsNoDomainOrAuth() {
        below("dev.oauthapi.http..", concat(new String[] {"dev.oauthapi.resources..", "dev.oauthapi.auth..",
                "dev.oauthapi.admin..", "dev.oauthapi.signin..", "dev.oauthapi.users..", "dev.oauthapi.sessions.."}));
    }

    private static void below(String layer, String[] above) {
        noClasses().that().resideInAPackage(layer).should().dependOnClassesThat().resideInAnyPackage(above)
                .check(MAIN);
    }

    private static String[] concat(String[] first, String... more) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(first), java.util.Arrays.stream(more))
                .toArray(String[]::new);
    }

    @Test
    void theStoresKnowNoDomainOrWebPackage() {
        noClasses().that().resideInAnyPackage("dev.oauthapi.db..", "dev.oauthapi.redis..")
                .should().dependOnClassesThat().resideInAnyPackage(DOMAIN_AND_WEB).check(MAIN);
    }

    /**
     * A change that ends sessions elsewhere could forget a tombstone: outside {@code sessions/},
     * the session DAOs and Redis session states are reached by nobody but the wiring ({@link Services}), and the
     * gate is only read (the liveness check) or built.
     */
    @Test
    void onlySessionsTouchesSessionRowsAndTombstones() {
        noClasses().that().resideOutsideOfPackages("dev.oauthapi.sessions..", "dev.oauthapi.db..")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.oauthapi.db.SessionDao")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.oauthapi.db.RefreshTokenDao")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.oauthapi.db.SignInDao")
                .check(MAIN);
        noClasses().that().resideOutsideOfPackages("dev.oauthapi.sessions..", "dev.oauthapi.redis..")
                .and().doNotHaveFullyQualifiedName(Services.class.getName())
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.oauthapi.redis.SessionStates")
                .check(MAIN);
        noClasses().that().resideOutsideOfPackage("dev.oauthapi.sessions..")
                .should().callMethod(SessionGate.class, "revoked", Collection.class)
                .orShould().callMethod(SessionGate.class, "rolesChanged", Collection.class)
                .check(MAIN);
    }
}
