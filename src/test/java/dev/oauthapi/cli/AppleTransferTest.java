package dev.oauthapi.cli;

import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.testing.TestApp.CommandResult;
import dev.oauthapi.testing.FakeAppleMigration;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestDatabase;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestHttp.Answer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Moving an app's Apple users to another team (TN3159), against a fake of Apple's migration as
 * strict as Apple's: {@code apple transfer prepare} with the old team's key, a sign-in whose token
 * carries {@code transfer_sub} before {@code complete} has run, {@code apple transfer complete} with
 * the new team's key, second runs of both, and a user who revoked the app's access.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class AppleTransferTest {
    static final String APPLE_APP = "com.example.app";
    static final String KEY = "k1:" + Base64.getEncoder().encodeToString(new byte[32]);
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final FakeAppleMigration MIGRATION = FakeAppleMigration.start();
    static final Map<String, String> ENV = env(FakeAppleMigration.OLD_TEAM);
    static final DropwizardAppExtension<OAuthApiConfiguration> APP = TestApp.extension(ENV);
    static final TestDatabase DB = new TestDatabase(ENV);

    private static Map<String, String> env(String team) {
        final Map<String, String> env = new HashMap<>(TestEnvironment.withProviders(GOOGLE, "unused", APPLE, APPLE_APP));
        env.putAll(MIGRATION.environment(team, KEY));
        env.put("ANONYMOUS_SIGN_IN", "true");
        return env;
    }

    /** The same service's database, run by {@code team}. */
    private static Map<String, String> envOf(String team) {
        final Map<String, String> env = new HashMap<>(ENV);
        env.putAll(MIGRATION.environment(team, KEY));
        return env;
    }

    @AfterAll
    static void stop() {
        GOOGLE.close();
        APPLE.close();
        MIGRATION.close();
    }

    private static Answer signIn(String subject, String email, String transferSub) {
        var token = APPLE.token(APPLE_APP, subject).email(email, "true").claim("is_private_email", "true")
                .claim("jti", UUID.randomUUID().toString());
        if (transferSub != null) {
            token = token.claim("transfer_sub", transferSub);
        }
        final Answer answer = new TestHttp(APP.getLocalPort()).post("/api/auth/apple", Map.of("identityToken",
                token.build()));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer;
    }

    private static CommandResult transfer(String team, String... arguments) {
        final String[] command = new String[arguments.length + 3];
        command[0] = "apple";
        command[1] = "transfer";
        System.arraycopy(arguments, 0, command, 2, arguments.length);
        command[command.length - 1] = TestApp.CONFIG;
        return TestApp.run(envOf(team), command);
    }

    private static Map<String, Object> identity(String userId) {
        return DB.one("SELECT subject, email, transfer_sub FROM identities WHERE user_id = ?::uuid", userId);
    }

    @Test
    void prepareThenASignInWithTransferSubThenCompleteMoveEveryUserToTheNewTeam() {
        final String[] subjects = {"001.a-" + UUID.randomUUID(), "001.b-" + UUID.randomUUID(), "001.c-" + UUID.randomUUID(),
                "001.d-" + UUID.randomUUID()};
        final String[] users = new String[4];
        final FakeAppleMigration.Moved[] moved = new FakeAppleMigration.Moved[4];
        for (int i = 0; i < 4; i++) {
            final String relay = "old" + i + "-" + UUID.randomUUID() + "@privaterelay.appleid.com";
            users[i] = signIn(subjects[i], relay, null).json().path("user").path("id").asText();
            moved[i] = MIGRATION.user(subjects[i], "new" + i + "-" + UUID.randomUUID() + "@privaterelay.appleid.com",
                    true);
        }
        MIGRATION.revoke(subjects[2]);

        final CommandResult prepared = transfer(FakeAppleMigration.OLD_TEAM, "prepare", "--target-team",
                FakeAppleMigration.NEW_TEAM, "--rate", "1000");

        assertThat(prepared.succeeded()).as(prepared.stderr()).isTrue();
        assertThat(prepared.stdout()).contains("Prepared 3 Apple identities; 1 that Apple will not migrate");
        assertThat(identity(users[0]).get("transfer_sub")).isEqualTo(MIGRATION.transferSubOf(subjects[0]));
        assertThat(identity(users[2]).get("transfer_sub")).as("revoked: skipped").isNull();
        final CommandResult again = transfer(FakeAppleMigration.OLD_TEAM, "prepare", "--target-team",
                FakeAppleMigration.NEW_TEAM, "--rate", "1000");
        assertThat(again.stdout()).contains("Prepared 0 Apple identities; 1 that Apple will not migrate");

        // After the transfer, before complete: the new team's token carries transfer_sub.
        final Answer early = signIn(moved[0].subject(), moved[0].email(), MIGRATION.transferSubOf(subjects[0]));
        assertThat(early.json().path("user").path("id").asText()).as("the same user, not a new one")
                .isEqualTo(users[0]);
        assertThat(identity(users[0])).containsEntry("subject", moved[0].subject())
                .containsEntry("email", moved[0].email()).containsEntry("transfer_sub", null);
        assertThat(DB.count("audit_log WHERE event = 'apple_subject_transferred' AND user_id = '" + users[0] + "'"))
                .isEqualTo(1);

        // A guest linking the new team's token of a user on the move is that user's conflict, and merges into them.
        final TestHttp http = new TestHttp(APP.getLocalPort());
        final String guest = http.post("/api/auth/anonymous", Map.of()).json().path("tokens").path("accessToken").asText();
        final Answer conflict = http.post("/api/auth/link/apple", Map.of("identityToken", APPLE.token(APPLE_APP,
                moved[3].subject()).email(moved[3].email(), "true").claim("is_private_email", "true")
                .claim("transfer_sub", MIGRATION.transferSubOf(subjects[3])).claim("jti", UUID.randomUUID().toString())
                .build()), guest);
        assertThat(conflict.status()).as(conflict.toString()).isEqualTo(409);
        final Answer merged = http.post("/api/auth/merge", Map.of("mergeToken", conflict.json().path("mergeToken")
                .asText()), guest);
        assertThat(merged.json().path("user").path("id").asText()).as(merged.toString()).isEqualTo(users[3]);
        assertThat(identity(users[3])).containsEntry("subject", moved[3].subject()).containsEntry("transfer_sub", null);

        DB.execute("UPDATE identities SET provider_token_sealed = '\\x01'::bytea, provider_token_key_id = 'k1'"
                + " WHERE user_id = ?::uuid", users[1]);
        final CommandResult completed = transfer(FakeAppleMigration.NEW_TEAM, "complete", "--rate", "1000");

        assertThat(completed.succeeded()).as(completed.stderr()).isTrue();
        assertThat(completed.stdout()).contains("Moved 1 Apple identities");
        assertThat(identity(users[1])).containsEntry("subject", moved[1].subject())
                .containsEntry("email", moved[1].email()).containsEntry("transfer_sub", null);
        assertThat(DB.one("SELECT email FROM users WHERE id = ?::uuid", users[1]))
                .as("the old relay address went with the old team").containsEntry("email", moved[1].email());
        assertThat(DB.one("SELECT provider_token_sealed FROM identities WHERE user_id = ?::uuid", users[1]))
                .as("the old team's Apple token went too").containsEntry("provider_token_sealed", null);
        assertThat(signIn(moved[1].subject(), moved[1].email(), null).json().path("user").path("id").asText())
                .isEqualTo(users[1]);
        assertThat(transfer(FakeAppleMigration.NEW_TEAM, "complete", "--rate", "1000").stdout())
                .contains("Moved 0 Apple identities");
        assertThat(identity(users[2]).get("subject")).as("not migrated: unchanged").isEqualTo(subjects[2]);
        assertThat(MIGRATION.rejections()).as("only the revoked user's")
                .allMatch(rejection -> rejection.contains(subjects[2]));
    }

    @Test
    void eachStepRefusesTheWrongArguments() {
        final CommandResult noTarget = transfer(FakeAppleMigration.OLD_TEAM, "prepare");
        final CommandResult targetOnComplete = transfer(FakeAppleMigration.NEW_TEAM, "complete", "--target-team", "X");
        for (CommandResult refused : new CommandResult[] {noTarget, targetOnComplete}) {
            assertThat(refused.error()).get().isInstanceOfSatisfying(CommandExit.class,
                    exit -> assertThat(exit.code()).isEqualTo(CommandExit.USAGE));
        }
    }
}
