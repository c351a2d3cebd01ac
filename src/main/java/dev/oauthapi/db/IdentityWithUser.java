package dev.oauthapi.db;

/** An identity and the user it belongs to, read in one statement. */
public record IdentityWithUser(IdentityRow identity, UserRow user) {
}
