package dev.oauthapi.db;

/** An identity, and the user it belongs to with all of that user's identities, read in one statement. */
public record IdentityWithUser(IdentityRow identity, UserWithIdentities user) {
}
