package dev.oauthapi.users;

import dev.oauthapi.identity.Provider;
import dev.oauthapi.identity.VerifiedIdToken;
import dev.oauthapi.sessions.SessionLifecycle;
import dev.oauthapi.testing.TestDatabase;
import dev.oauthapi.testing.TestStores;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The account classes of {@code users/} over one fresh, migrated database and the test Redis, with
 * the unit of work recording what it publishes after commit: the fixture of their unit tests.
 */
final class AccountStores implements AutoCloseable {
    static final SignInContext PHONE = new SignInContext("ios", "iPhone", "1.0", "192.0.2.7", "test", null);

    final TestStores stores = TestStores.fresh();
    final TestDatabase db = new TestDatabase(stores.environment());
    final List<UUID> published = new CopyOnWriteArrayList<>();
    final SessionLifecycle lifecycle = stores.lifecycle(published::add);
    final AccountResolution resolution = new AccountResolution(lifecycle, stores.ids(), dev.oauthapi.identity.PrivateRelay.APPLE,
            stores.clock());
    final Identities identities = new Identities(lifecycle, stores.ids(), new MergeTokens(new dev.oauthapi.tokens.ServerSeal(
            () -> new byte[32], new java.security.SecureRandom()), new java.security.SecureRandom(), stores.clock()),
            dev.oauthapi.identity.PrivateRelay.APPLE, stores.clock());
    final AccountDeletion deletion = new AccountDeletion(lifecycle, stores.clock());

    /** A token Google or Apple vouched for: {@code email} verified, the address its provider's to vouch for. */
    static VerifiedIdToken token(Provider provider, String subject, String email) {
        final Instant now = Instant.now();
        return new VerifiedIdToken(provider, subject, provider.wireName() + "-client", email, email != null, false,
                null, "Ada Lovelace", "https://example.com/ada.png", null, now, now.plusSeconds(600));
    }

    static String subject() {
        return UUID.randomUUID().toString();
    }

    static String gmail() {
        return "u" + UUID.randomUUID().toString().substring(0, 8) + "@gmail.com";
    }

    SignedIn signIn(VerifiedIdToken token) {
        return resolution.signIn(token, null, PHONE);
    }

    long count(String sql, Object... parameters) {
        return (Long) db.one("SELECT count(*) AS n FROM " + sql, parameters).get("n");
    }

    @Override
    public void close() {
        stores.close();
    }
}
