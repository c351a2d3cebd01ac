package dev.oauthapi.db;

import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static dev.oauthapi.db.Rows.HANDLE;
import static dev.oauthapi.db.Rows.NOW;
import static dev.oauthapi.db.Rows.hash;
import static dev.oauthapi.db.Rows.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasskeyDaoTest {
    private static PasskeyRow passkey(UserRow user, String name) {
        return new PasskeyRow(UUID.randomUUID(), user.id(), hash(), new byte[] {1, 2, 3}, -7, 0, "internal,hybrid",
                true, true, UUID.randomUUID(), name, NOW, null);
    }

    @Test
    void aPasskeyIsFoundByItsCredentialIdWithItsOwnersHandleAndState() {
        final UserRow user = user("user");
        final byte[] handle = new PasskeyDao(HANDLE).userHandle(user.id(), hash()).orElseThrow();
        final PasskeyRow passkey = passkey(user, "Phone");
        new PasskeyDao(HANDLE).insert(passkey);

        assertThat(new PasskeyDao(HANDLE).findByCredentialId(passkey.credentialId())).hasValueSatisfying(found -> {
            assertThat(found.passkey()).isEqualTo(passkey);
            assertThat(found.userHandle()).isEqualTo(handle);
        });
        assertThat(new PasskeyDao(HANDLE).findByCredentialId(hash())).isEmpty();
        assertThatThrownBy(() -> new PasskeyDao(HANDLE).insert(new PasskeyRow(UUID.randomUUID(), user.id(),
                passkey.credentialId(), new byte[] {1}, -7, 0, "", false, false, null, null, NOW, null)))
                .as("a credential id is registered once").isInstanceOf(UnableToExecuteStatementException.class)
                .matches(e -> UniqueViolation.is((UnableToExecuteStatementException) e));
    }

    @Test
    void aUsersHandleIsMadeOnceAndKept() {
        final UserRow user = user("user");
        final byte[] first = hash();

        assertThat(new PasskeyDao(HANDLE).userHandle(user.id(), first)).contains(first);
        assertThat(new PasskeyDao(HANDLE).userHandle(user.id(), hash())).contains(first);
        assertThat(new PasskeyDao(HANDLE).userHandle(UUID.randomUUID(), hash())).isEmpty();
    }

    @Test
    void listRenameAndDeleteOnlyTouchTheOwnersPasskeys() {
        final UserRow owner = user("user");
        final UserRow other = user("user");
        final PasskeyRow older = passkey(owner, "Laptop");
        final PasskeyRow newer = new PasskeyRow(UUID.randomUUID(), owner.id(), hash(), new byte[] {4}, -7, 0, "",
                false, false, null, null, NOW.plusSeconds(1), null);
        new PasskeyDao(HANDLE).insert(older);
        new PasskeyDao(HANDLE).insert(newer);

        assertThat(new PasskeyDao(HANDLE).ofUser(owner.id())).extracting(PasskeyRow::id)
                .containsExactly(newer.id(), older.id());
        assertThat(new PasskeyDao(HANDLE).rename(other.id(), older.id(), "Mine")).isEmpty();
        assertThat(new PasskeyDao(HANDLE).rename(owner.id(), older.id(), "Work laptop"))
                .hasValueSatisfying(renamed -> assertThat(renamed.name()).isEqualTo("Work laptop"));
        assertThat(new PasskeyDao(HANDLE).delete(other.id(), older.id())).isEmpty();
        assertThat(new PasskeyDao(HANDLE).delete(owner.id(), older.id())).isPresent();
        assertThat(new PasskeyDao(HANDLE).ofUser(owner.id())).extracting(PasskeyRow::id).containsExactly(newer.id());
    }
}
