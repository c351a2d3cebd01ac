package dev.oauthapi.api;

/** A guest merged into an existing account: that user, a new session of it, and the guest's id (gone now). */
public record MergeResponse(UserResponse user, TokensResponse tokens, String mergedFrom) {
}
