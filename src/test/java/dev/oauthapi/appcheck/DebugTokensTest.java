package dev.oauthapi.appcheck;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DebugTokensTest {
    private static final String CI = "ci-7f3a9c2e1b5d4f6a8e0c2b4d6f8a0c2e";
    private static final String SIMULATOR = "sim-0a1b2c3d4e5f60718293a4b5c6d7e8f9";

    @Test
    void aConfiguredTokenIsKnownByItsLabelAndNoOtherIs() {
        final DebugTokens tokens = DebugTokens.of(List.of("ci=" + CI, "simulator=" + SIMULATOR));

        assertThat(tokens.labelOf(CI)).contains("ci");
        assertThat(tokens.labelOf(SIMULATOR)).contains("simulator");
        assertThat(tokens.labelOf(CI + "x")).isEmpty();
        assertThat(tokens.labelOf(CI.substring(1))).isEmpty();
        assertThat(tokens.labelOf("")).isEmpty();
        assertThat(tokens.labelOf(null)).isEmpty();
        assertThat(DebugTokens.of(List.of()).isEmpty()).as("never on by default").isTrue();
    }

    @Test
    void aShortSecretOrAMissingLabelFailsAtStartUp() {
        assertThatThrownBy(() -> DebugTokens.of(List.of("ci=short"))).hasMessageContaining("at least 32 characters");
        assertThatThrownBy(() -> DebugTokens.of(List.of("=" + CI))).hasMessageContaining("label=secret");
        assertThatThrownBy(() -> DebugTokens.of(List.of("ci=" + CI, "ci=" + SIMULATOR))).hasMessageContaining("twice");
    }
}
