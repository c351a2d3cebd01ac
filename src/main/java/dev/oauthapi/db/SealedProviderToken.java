package dev.oauthapi.db;

/** A provider refresh token as stored: encrypted, with the id of its key and the client it is for. */
public record SealedProviderToken(String provider, String clientId, byte[] providerTokenSealed,
                                  String providerTokenKeyId) {
}
