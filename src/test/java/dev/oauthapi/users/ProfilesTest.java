package dev.oauthapi.users;

import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.redis.UserVersions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static dev.oauthapi.users.AccountStores.gmail;
import static dev.oauthapi.users.AccountStores.subject;
import static dev.oauthapi.users.AccountStores.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The profile: read through the cached copy of its version, changed by its owner, published after commit. */
class ProfilesTest {
    static final AccountStores ACCOUNTS = new AccountStores();
    static final ProfileCache CACHE = new ProfileCache(new UserVersions(ACCOUNTS.stores.redis()), 100);
    static final Profiles PROFILES = new Profiles(ACCOUNTS.stores.jdbi(), ACCOUNTS.lifecycle, ACCOUNTS.stores.clock(),
            CACHE);

    @AfterAll
    static void close() {
        ACCOUNTS.close();
    }

    @Test
    void anUpdateSetsOnlyTheFieldsGivenAndIsPublished() {
        final UUID user = ACCOUNTS.signIn(token(Provider.GOOGLE, subject(), gmail())).user().id();
        ACCOUNTS.published.clear();

        final UserProfile renamed = PROFILES.update(user, "Grace", null);

        assertThat(renamed.name()).isEqualTo("Grace");
        assertThat(renamed.avatarUrl()).isEqualTo("https://example.com/ada.png");
        assertThat(ACCOUNTS.published).containsExactly(user);
    }

    @Test
    void aCachedCopyIsAnsweredUnderItsVersionOnlyAndAChangeEndsIt() {
        final UUID user = ACCOUNTS.signIn(token(Provider.GOOGLE, subject(), gmail())).user().id();
        final UserProfile first = PROFILES.profile(user, "v1");
        ACCOUNTS.db.execute("UPDATE users SET name = 'Changed behind its back' WHERE id = ?::uuid", user.toString());

        assertThat(PROFILES.profile(user, "v1")).as("the copy of v1").isEqualTo(first);
        assertThat(PROFILES.profile(user, "v2").name()).as("another version reads again").isEqualTo("Changed behind its back");
        assertThat(PROFILES.profile(user, null).name()).as("no version: nothing cached is trusted")
                .isEqualTo("Changed behind its back");
    }

    @Test
    void aGoneUserIsATokenNoLongerGood() {
        for (Runnable read : new Runnable[] {() -> PROFILES.profile(UUID.randomUUID(), null),
                () -> PROFILES.update(UUID.randomUUID(), "X", null)}) {
            assertThatThrownBy(read::run).isInstanceOfSatisfying(ApiException.class,
                    refused -> assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_TOKEN));
        }
    }
}
