package dev.oauthapi.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oauthapi.OAuthApiApplication;
import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.passkeys.SoftwareAuthenticator;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.MutableClock;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestDatabase;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestHttp.Answer;
import dev.oauthapi.testing.TestRedis;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guests on the whole service: sign-up, refresh and sign-out as a guest; the upgrade in place by
 * Google, Apple or a passkey; the conflict with an existing account (by the identity, or by its
 * authoritative e-mail) and the merge; merge tokens that are expired, used or another guest's;
 * retention at an injected clock; the rate bucket.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class GuestsTest {
    static final String GOOGLE_CLIENT = "1234-ios.apps.googleusercontent.com";
    static final String APPLE_APP = "com.example.app";
    static final String RP_ID = "example.com";
    static final String ORIGIN = "https://example.com";
    static final ObjectMapper JSON = new ObjectMapper();
    static final MutableClock CLOCK = MutableClock.startingNow();
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final Map<String, String> ENV = env(TestEnvironment.withProviders(GOOGLE, GOOGLE_CLIENT, APPLE, APPLE_APP),
            "1000");
    static final DropwizardAppExtension<OAuthApiConfiguration> APP =
            TestApp.extension(ENV, environment -> new OAuthApiApplication(environment, CLOCK));
    /** Counts in a Redis of its own: the other app's guests are not in its bucket. */
    static final TestRedis LIMITED_REDIS = TestRedis.startPrivate();
    static final Map<String, String> LIMITED_ENV = env(TestEnvironment.withFreshDatabase(LIMITED_REDIS), "2");
    static final DropwizardAppExtension<OAuthApiConfiguration> LIMITED = TestApp.extension(LIMITED_ENV);
    static final TestDatabase DB = new TestDatabase(ENV);

    private static Map<String, String> env(Map<String, String> env, String perHour) {
        env.put("ANONYMOUS_SIGN_IN", "true");
        env.put("ANONYMOUS_RATE_LIMIT_PER_HOUR", perHour);
        env.put("PASSKEY_RP_ID", RP_ID);
        env.put("PASSKEY_ORIGINS", ORIGIN);
        return env;
    }

    @AfterAll
    static void stop() {
        GOOGLE.close();
        APPLE.close();
        LIMITED_REDIS.stop();
    }

    private static TestHttp http() {
        return new TestHttp(APP.getLocalPort());
    }

    private static Answer guest() {
        final Answer guest = http().post("/api/auth/anonymous", Map.of("device", Map.of("platform", "ios")));
        assertThat(guest.status()).as(guest.toString()).isEqualTo(200);
        return guest;
    }

    private static String access(Answer signedIn) {
        return signedIn.json().path("tokens").path("accessToken").asText();
    }

    private static String refreshToken(Answer signedIn) {
        return signedIn.json().path("tokens").path("refreshToken").asText();
    }

    private static JsonNode claims(String jwt) {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String googleToken(String subject, String email) {
        return GOOGLE.token(GOOGLE_CLIENT, subject).at(CLOCK.instant()).email(email, true)
                .claim("jti", UUID.randomUUID().toString()).build();
    }

    private static String appleToken(String subject, String email) {
        return APPLE.token(APPLE_APP, subject).at(CLOCK.instant()).email(email, "true")
                .claim("jti", UUID.randomUUID().toString()).build();
    }

    private static Answer linkGoogle(String access, String subject, String email) {
        return http().post("/api/auth/link/google", Map.of("idToken", googleToken(subject, email)), access);
    }

    private static Answer signInGoogle(String subject, String email) {
        final Answer signedIn = http().post("/api/auth/google", Map.of("idToken", googleToken(subject, email)));
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        return signedIn;
    }

    private static long audits(String event, String userId) {
        return ((Number) DB.one("SELECT count(*) AS n FROM audit_log WHERE event = ? AND user_id = ?::uuid", event,
                userId).get("n")).longValue();
    }

    @Test
    void aGuestSignsUpRefreshesAndSignsOut() {
        final Answer guest = guest();

        final JsonNode user = guest.json().path("user");
        assertThat(user.path("isAnonymous").asBoolean()).isTrue();
        assertThat(user.path("email").isNull()).isTrue();
        assertThat(user.path("identities").size()).isZero();
        assertThat(guest.json().path("isNewUser").asBoolean()).isTrue();
        assertThat(claims(access(guest)).path("is_anonymous").asBoolean()).isTrue();
        assertThat(DB.one("SELECT provider, platform FROM sessions WHERE user_id = ?::uuid", user.path("id").asText()))
                .containsEntry("provider", "anonymous").containsEntry("platform", "ios");
        assertThat(http().get("/api/users/me", access(guest)).json().path("isAnonymous").asBoolean()).isTrue();
        assertThat(new TestHttp(APP.getAdminPort()).get("/prometheus", null).response().body())
                .containsPattern("oauth_sign_ins_total\\{outcome=\"succeeded\",provider=\"anonymous\"} [1-9]");

        final Answer refreshed = http().post("/api/auth/refresh", Map.of("refreshToken", refreshToken(guest)));
        assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
        assertThat(claims(refreshed.json().path("accessToken").asText()).path("is_anonymous").asBoolean()).isTrue();

        assertThat(http().post("/api/auth/logout", Map.of(), refreshed.json().path("accessToken").asText()).status())
                .isEqualTo(204);
        assertThat(http().post("/api/auth/refresh", Map.of("refreshToken",
                refreshed.json().path("refreshToken").asText())).status()).isEqualTo(401);
    }

    @Test
    void aGuestBecomesAFullAccountByGoogleOrAppleKeepingItsIdAndSessions() {
        for (String provider : new String[] {"google", "apple"}) {
            final Answer guest = guest();
            final String id = guest.json().path("user").path("id").asText();
            final String email = provider + "-" + UUID.randomUUID() + "@gmail.com";
            final Answer linked = provider.equals("google") ? linkGoogle(access(guest), "g-" + UUID.randomUUID(), email)
                    : http().post("/api/auth/link/apple", Map.of("identityToken",
                    appleToken("001." + UUID.randomUUID(), email)), access(guest));

            assertThat(linked.status()).as(linked.toString()).isEqualTo(200);
            assertThat(linked.json().path("id").asText()).isEqualTo(id);
            assertThat(linked.json().path("isAnonymous").asBoolean()).isFalse();
            assertThat(linked.json().path("email").asText()).isEqualTo(email);
            assertThat(http().get("/api/users/me", access(guest)).status()).as("its sessions stay").isEqualTo(200);
            final Answer refreshed = http().post("/api/auth/refresh", Map.of("refreshToken", refreshToken(guest)));
            assertThat(refreshed.status()).isEqualTo(200);
            assertThat(claims(refreshed.json().path("accessToken").asText()).has("is_anonymous"))
                    .as("the next refresh's token is a full account's").isFalse();
            assertThat(audits("guest_upgraded", id)).isEqualTo(1);
        }
    }

    @Test
    void aGuestBecomesAFullAccountByAddingAPasskey() {
        final Answer guest = guest();
        final String id = guest.json().path("user").path("id").asText();
        final JsonNode publicKey = http().post("/api/auth/passkeys/registration/options", Map.of(), access(guest))
                .json().path("publicKey");
        final var created = new SoftwareAuthenticator(RP_ID).register(ORIGIN,
                Base64.getUrlDecoder().decode(publicKey.path("challenge").asText()),
                Base64.getUrlDecoder().decode(publicKey.path("user").path("id").asText()));
        final Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();

        final Answer added = http().post("/api/auth/passkeys/registration", Map.of("credential", Map.of(
                "id", url.encodeToString(created.credentialId()), "rawId", url.encodeToString(created.credentialId()),
                "type", "public-key", "response", Map.of("clientDataJSON", url.encodeToString(created.clientDataJSON()),
                        "attestationObject", url.encodeToString(created.attestationObject())))), access(guest));

        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        final JsonNode me = http().get("/api/users/me", access(guest)).json();
        assertThat(me.path("id").asText()).isEqualTo(id);
        assertThat(me.path("isAnonymous").asBoolean()).isFalse();
        assertThat(audits("guest_upgraded", id)).isEqualTo(1);
    }

    @Test
    void aConflictingLinkGivesAMergeTokenAndTheMergeSignsTheGuestIntoTheExistingAccount() {
        final String subject = "g-" + UUID.randomUUID();
        final String email = "existing-" + UUID.randomUUID() + "@gmail.com";
        final String existing = signInGoogle(subject, email).json().path("user").path("id").asText();
        final Answer guest = guest();
        final String guestId = guest.json().path("user").path("id").asText();

        final Answer conflict = linkGoogle(access(guest), subject, email);

        assertThat(conflict.status()).as(conflict.toString()).isEqualTo(409);
        assertThat(conflict.code()).isEqualTo("identity_already_linked");
        final String mergeToken = conflict.json().path("mergeToken").asText();
        assertThat(mergeToken).isNotEmpty();
        assertThat(DB.one("SELECT is_anonymous FROM users WHERE id = ?::uuid", guestId))
                .as("the refused link changed nothing").containsEntry("is_anonymous", true);

        final Answer merged = http().post("/api/auth/merge", Map.of("mergeToken", mergeToken), access(guest));

        assertThat(merged.status()).as(merged.toString()).isEqualTo(200);
        assertThat(merged.json().path("user").path("id").asText()).isEqualTo(existing);
        assertThat(merged.json().path("mergedFrom").asText()).isEqualTo(guestId);
        final String mergedAccess = merged.json().path("tokens").path("accessToken").asText();
        assertThat(claims(mergedAccess).path("sub").asText()).isEqualTo(existing);
        assertThat(claims(mergedAccess).has("is_anonymous")).isFalse();
        assertThat(http().get("/api/users/me", mergedAccess).status()).isEqualTo(200);
        assertThat(DB.count("users WHERE id = '" + guestId + "'")).as("the guest is gone").isZero();
        assertThat(http().get("/api/users/me", access(guest)).status()).as("its access token, at once").isEqualTo(401);
        assertThat(http().post("/api/auth/refresh", Map.of("refreshToken", refreshToken(guest))).status())
                .as("its refresh token").isEqualTo(401);
        assertThat(audits("guest_merged", guestId)).isEqualTo(1);
        assertThat(audits("guest_merged", existing)).isEqualTo(1);

        final Answer retried = http().post("/api/auth/merge", Map.of("mergeToken", mergeToken), access(guest));
        assertThat(retried.status()).isEqualTo(401);
        assertThat(retried.code()).as("the guest is gone").isEqualTo("invalid_token");
    }

    @Test
    void aLinkTheEmailRuleWouldGiveToAnotherAccountIsAConflictTooAndTheMergeLinksIt() {
        final String email = "by-email-" + UUID.randomUUID() + "@gmail.com";
        final String existing = signInGoogle("g-" + UUID.randomUUID(), email).json().path("user").path("id").asText();
        final Answer guest = guest();
        final String appleSubject = "001." + UUID.randomUUID();

        final Answer conflict = http().post("/api/auth/link/apple", Map.of("identityToken",
                appleToken(appleSubject, email)), access(guest));

        assertThat(conflict.status()).as("never two accounts with one e-mail").isEqualTo(409);
        final Answer merged = http().post("/api/auth/merge", Map.of("mergeToken",
                conflict.json().path("mergeToken").asText()), access(guest));
        assertThat(merged.status()).as(merged.toString()).isEqualTo(200);
        assertThat(merged.json().path("user").path("id").asText()).isEqualTo(existing);
        assertThat(DB.one("SELECT user_id::text AS owner FROM identities WHERE provider = 'apple' AND subject = ?",
                appleSubject)).as("a sign-in would have linked it").containsEntry("owner", existing);
    }

    @Test
    void anExpiredAnotherGuestsOrSpentMergeTokenIsRefusedAndChangesNothing() {
        final String subject = "g-" + UUID.randomUUID();
        final String email = "target-" + UUID.randomUUID() + "@gmail.com";
        final String existing = signInGoogle(subject, email).json().path("user").path("id").asText();
        final Answer guest = guest();
        final Answer other = guest();
        final String token = linkGoogle(access(guest), subject, email).json().path("mergeToken").asText();

        final Answer foreign = http().post("/api/auth/merge", Map.of("mergeToken", token), access(other));
        final Answer forged = http().post("/api/auth/merge", Map.of("mergeToken", token + "x"), access(guest));
        assertThat(foreign.code()).isEqualTo("invalid_merge_token");
        assertThat(forged.code()).isEqualTo("invalid_merge_token");

        // A refusal after the token was spent (the account is disabled) keeps it spent.
        DB.execute("UPDATE users SET disabled_at = now() WHERE id = ?::uuid", existing);
        final Answer disabled = http().post("/api/auth/merge", Map.of("mergeToken", token), access(guest));
        DB.execute("UPDATE users SET disabled_at = NULL WHERE id = ?::uuid", existing);
        final Answer spent = http().post("/api/auth/merge", Map.of("mergeToken", token), access(guest));
        assertThat(disabled.code()).isEqualTo("account_disabled");
        assertThat(spent.status()).isEqualTo(401);
        assertThat(spent.code()).isEqualTo("invalid_merge_token");

        // The identity disabled since the link (a provider's event): its token leads nowhere now.
        final String beforeDisabling = linkGoogle(access(guest), subject, email).json().path("mergeToken").asText();
        DB.execute("UPDATE identities SET sign_in_disabled_at = now() WHERE provider = 'google' AND subject = ?", subject);
        final Answer stale = http().post("/api/auth/merge", Map.of("mergeToken", beforeDisabling), access(guest));
        final Answer disabledLink = linkGoogle(access(guest), subject, email);
        DB.execute("UPDATE identities SET sign_in_disabled_at = NULL WHERE provider = 'google' AND subject = ?", subject);
        assertThat(stale.code()).isEqualTo("invalid_merge_token");
        assertThat(disabledLink.status()).as("no token for an identity that may not sign in").isEqualTo(403);
        assertThat(disabledLink.json().has("mergeToken")).isFalse();

        final String late = linkGoogle(access(guest), subject, email).json().path("mergeToken").asText();
        CLOCK.advance(MergeTokens.LIFETIME.plusSeconds(1));
        final Answer expired = http().post("/api/auth/merge", Map.of("mergeToken", late), access(guest));
        assertThat(expired.code()).isEqualTo("invalid_merge_token");
        assertThat(DB.one("SELECT is_anonymous FROM users WHERE id = ?::uuid",
                guest.json().path("user").path("id").asText())).as("the guest is still there").containsEntry(
                "is_anonymous", true);
    }

    @Test
    void aGuestIsDeletedOnceItHadNoLiveSessionForTheRetentionCountedFromItsLastSessionsEnd() {
        final Answer guest = guest();
        final String id = guest.json().path("user").path("id").asText();
        final Answer kept = guest();
        final Answer upgraded = guest();
        linkGoogle(access(upgraded), "g-" + UUID.randomUUID(), "kept-" + UUID.randomUUID() + "@gmail.com");
        CLOCK.advance(Duration.ofDays(20));
        assertThat(http().post("/api/auth/logout", Map.of(), access(guest)).status()).as("ended on day 20")
                .isIn(204, 401); // its 15-minute access token may have lapsed: then its session idles out
        DB.execute("UPDATE sessions SET revoked_at = ? WHERE user_id = ?::uuid AND revoked_at IS NULL",
                java.sql.Timestamp.from(CLOCK.instant()), id);
        final org.jdbi.v3.core.Jdbi jdbi = org.jdbi.v3.core.Jdbi.create(dev.oauthapi.testing.TestPostgres.shared()
                .jdbcUrl(ENV.get("DATABASE_NAME")), ENV.get("DATABASE_USERNAME"), ENV.get("DATABASE_PASSWORD"));
        final dev.oauthapi.sessions.SessionPurge purge = new dev.oauthapi.sessions.SessionPurge(jdbi, CLOCK,
                Duration.ofDays(30));

        CLOCK.advance(Duration.ofDays(29));
        purge.purge();
        assertThat(purge.purgeGuests()).as("29 days after its last session ended").isZero();
        assertThat(DB.count("users WHERE id = '" + id + "'")).isEqualTo(1);

        CLOCK.advance(Duration.ofDays(2));
        assertThat(purge.purgeGuests()).isGreaterThanOrEqualTo(1);
        assertThat(DB.count("users WHERE id = '" + id + "'")).isZero();
        assertThat(DB.count("users WHERE id = '" + kept.json().path("user").path("id").asText() + "'"))
                .as("its session idled out on day 30: 21 days ago").isEqualTo(1);
        assertThat(DB.count("users WHERE id = '" + upgraded.json().path("user").path("id").asText() + "'"))
                .as("a full account stays").isEqualTo(1);
        assertThat(audits("guest_deleted", id)).isEqualTo(1);
    }

    @Test
    void guestSignUpHasItsOwnBucketPerAddress() {
        final TestHttp limited = new TestHttp(LIMITED.getLocalPort());
        assertThat(limited.post("/api/auth/anonymous", Map.of()).status()).isEqualTo(200);
        assertThat(limited.post("/api/auth/anonymous", Map.of()).status()).isEqualTo(200);

        final Answer refused = limited.post("/api/auth/anonymous", Map.of());

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("rate_limited");
        assertThat(Long.parseLong(refused.header("Retry-After"))).as("an hour's window").isGreaterThan(60);
        assertThat(limited.post("/api/auth/nonce", Map.of()).status()).as("sign-in's bucket is another").isEqualTo(200);
    }
}
