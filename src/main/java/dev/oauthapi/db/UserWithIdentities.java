package dev.oauthapi.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A user and its identities, read in one statement. */
public record UserWithIdentities(UserRow user, List<IdentityRow> identities) {
    /** One row of the join: the user, and one identity (null when the user has none). */
    record Joined(UserRow user, IdentityRow identity) {
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
        return Optional.of(new UserWithIdentities(rows.getFirst().user(), List.copyOf(identities)));
    }

    @Override
    public String toString() {
        return "UserWithIdentities[" + user.id() + "]";
    }
}
