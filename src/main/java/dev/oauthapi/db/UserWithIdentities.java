package dev.oauthapi.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A user, its identities and how many passkeys it has, read in one statement. */
public record UserWithIdentities(UserRow user, List<IdentityRow> identities, int passkeys) {
    /** The user's passkeys, counted beside its columns: {@code passkeys} in the row. */
    static final String PASSKEYS = "(SELECT count(*) FROM passkeys p WHERE p.user_id = u.id) AS passkeys";

    /** One row of the join: the user, one identity (null when the user has none), the passkeys. */
    record Joined(UserRow user, IdentityRow identity, int passkeys) {
    }

    static Optional<UserWithIdentities> of(List<Joined> rows) {
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        final List<IdentityRow> identities = new ArrayList<>(rows.size());
        for (Joined row : rows) {
            if (row.identity() != null) {
                identities.add(row.identity());
            }
        }
        return Optional.of(new UserWithIdentities(rows.getFirst().user(), List.copyOf(identities),
                rows.getFirst().passkeys()));
    }

    @Override
    public String toString() {
        return "UserWithIdentities[" + user.id() + "]";
    }
}
