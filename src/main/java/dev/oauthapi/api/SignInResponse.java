package dev.oauthapi.api;

/** A successful sign-in: the user, our tokens, and whether the account was created just now. */
public record SignInResponse(UserResponse user, TokensResponse tokens, boolean isNewUser) {
}
