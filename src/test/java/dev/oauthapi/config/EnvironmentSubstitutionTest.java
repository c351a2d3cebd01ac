package dev.oauthapi.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvironmentSubstitutionTest {
    private static String substitute(Map<String, String> env, String text) {
        return new EnvironmentSubstitution(path -> null, env::get).substitute("config.yml", text);
    }

    @Test
    void replacesVariablesAndUsesDefaultsForUnsetOrEmptyOnes() {
        final String yaml = "a: ${A}\nb: ${B:-two}\nc: ${C:-three}\nd: ${D:-}\n";

        assertThat(substitute(Map.of("A", "one", "C", ""), yaml)).isEqualTo("a: one\nb: two\nc: three\nd: \n");
    }

    @Test
    void namesEveryMissingVariableOnceInOneMessage() {
        final String yaml = "x: ${JWT_ISSUER}\ny: ${DATABASE_PASSWORD}\nz: ${JWT_ISSUER}\nw: ${SET}\n";

        assertThatThrownBy(() -> substitute(Map.of("SET", "yes"), yaml))
                .isInstanceOfSatisfying(MissingEnvironmentException.class, e -> {
                    assertThat(e.variables()).containsExactly("DATABASE_PASSWORD", "JWT_ISSUER");
                    assertThat(e.getMessage())
                            .isEqualTo("config.yml cannot start: these required environment variables are not set: "
                                    + "DATABASE_PASSWORD, JWT_ISSUER. Set them (see .env.example) and start again.");
                });
    }

    @Test
    void treatsARequiredVariableSetToTheEmptyStringAsMissing() {
        assertThatThrownBy(() -> substitute(Map.of("JWT_ISSUER", ""), "issuer: ${JWT_ISSUER}\n"))
                .isInstanceOfSatisfying(MissingEnvironmentException.class,
                        e -> assertThat(e.variables()).containsExactly("JWT_ISSUER"));
    }

    @Test
    void ignoresPlaceholdersInComments() {
        assertThat(substitute(Map.of(), "  # set ${SOMETHING} here\nkey: value\n"))
                .isEqualTo("  # set ${SOMETHING} here\nkey: value\n");
    }

    @Test
    void escapesValuesInsideDoubleQuotedStringsOnly() {
        final Map<String, String> env = Map.of("P", "a\"b\\c#d", "N", "5");

        assertThat(substitute(env, "password: \"${P}\"\nport: ${N}\nurl: \"x-${P}\"\n"))
                .isEqualTo("password: \"a\\\"b\\\\c#d\"\nport: 5\nurl: \"x-a\\\"b\\\\c#d\"\n");
    }
}
