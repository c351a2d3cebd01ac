package dev.oauthapi.signin;

import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.Needs;
import dev.oauthapi.testing.Program;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestDatabase;
import dev.oauthapi.testing.TestEnvironment;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's oauth4webapi snippet, run as printed under Node against the real service, with
 * server nonces on so that its nonce retry runs too: discovery, a DPoP-bound token exchange, a
 * protected call, a refresh and a revocation. It cannot rot while this passes. oauth4webapi comes
 * from npm, at the version the snippet names, once per build directory.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
@Needs({Program.NODE, Program.NPM})
class OAuth4WebApiReadmeTest {
    static final String VERSION = "3.8.9";
    static final String CLIENT = "1234-web.apps.googleusercontent.com";
    static final int PORT = TestEnvironment.freePort();
    static final String ISSUER = "http://127.0.0.1:" + PORT;
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final Map<String, String> ENV = env();
    static final DropwizardAppExtension<OAuthApiConfiguration> APP = TestApp.extension(ENV);
    static final TestDatabase DB = new TestDatabase(ENV);


    private static Map<String, String> env() {
        final Map<String, String> env = TestEnvironment.listeningAt(PORT, GOOGLE, CLIENT, APPLE, "unused");
        env.put("DPOP_NONCES", "true");
        return env;
    }

    @AfterAll
    static void stop() {
        GOOGLE.close();
        APPLE.close();
    }

    /** The code block between the README's oauth4webapi markers, as printed. */
    static String snippet() throws IOException {
        final String readme = Files.readString(Path.of("README.md"));
        final int start = readme.indexOf("<!-- oauth4webapi:start -->");
        final int end = readme.indexOf("<!-- oauth4webapi:end -->");
        assertThat(start).as("the README's oauth4webapi markers").isNotNegative().isLessThan(end);
        final String block = readme.substring(start, end);
        return block.substring(block.indexOf("```js\n") + "```js\n".length(), block.lastIndexOf("```"));
    }

    private static String run(Path dir, Map<String, String> env, String... command) throws Exception {
        final ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        final Process process = builder.start();
        final byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        final String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(String.join(" ", command) + ":\n" + text).isZero();
        return text;
    }

    @Test
    void theSnippetRunsAsPrinted() throws Exception {
        final String snippet = snippet();
        assertThat(snippet).as("the version installed here is the one printed").contains("oauth4webapi@" + VERSION);
        final Path dir = Files.createDirectories(Path.of("target", "oauth4webapi-" + VERSION));
        if (!Files.exists(dir.resolve("node_modules/oauth4webapi/package.json"))) {
            run(dir, Map.of(), Program.NPM.path().toString(), "install", "--no-audit", "--no-fund",
                    "--prefix", ".", "oauth4webapi@" + VERSION);
        }
        Files.writeString(dir.resolve("snippet.mjs"), snippet);
        final String email = "node-" + UUID.randomUUID() + "@gmail.com";
        final String idToken = GOOGLE.token(CLIENT, "n-" + UUID.randomUUID()).email(email, "true").build();

        final String output = run(dir, Map.of("ISSUER", ISSUER, "CLIENT_ID", CLIENT, "ID_TOKEN", idToken),
                Program.NODE.path().toString(), "snippet.mjs");

        assertThat(output.lines().toList()).hasSize(4).startsWith("token type: dpop", "signed in as: " + email)
                .endsWith("revoked");
        assertThat(output.lines().toList().get(2)).matches("refreshed, expires in 89\\d s");
        final List<Map<String, Object>> sessions = DB.rows("SELECT s.dpop_jkt, s.revoked_at FROM sessions s"
                + " JOIN identities i ON i.user_id = s.user_id WHERE i.email = ?", email);
        assertThat(sessions).hasSize(1);
        assertThat(sessions.getFirst().get("dpop_jkt")).as("bound to the snippet's key").isNotNull();
        assertThat(sessions.getFirst().get("revoked_at")).as("ended by the revocation").isNotNull();
    }
}
