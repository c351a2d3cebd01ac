package dev.oauthapi.testing;

import io.jsonwebtoken.Jwts;

import javax.crypto.SecretKey;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Base64;
import java.util.Map;

/**
 * The Play Console's per-app keys for classic Play Integrity requests, and tokens made as Google
 * makes them: a compact JWE (A256KW, A256GCM) under the app's AES-256 decryption key, whose
 * plaintext is a compact JWS (ES256) by Google's EC P-256 key, whose payload is the verdict JSON.
 * A token decodes only with both keys, as a real one does; the variants made with a foreign key
 * are what an attacker without the app's keys could send.
 */
public final class LocalIntegrityTokens {
    private final SecretKey decryptionKey = Jwts.ENC.A256GCM.key().build();
    private final KeyPair verificationKey = Jwts.SIG.ES256.keyPair().build();

    /** As the Play Console shows it: standard base64 of the 32 raw key bytes. */
    public String decryptionKeyBase64() {
        return Base64.getEncoder().encodeToString(decryptionKey.getEncoded());
    }

    /** As the Play Console shows it: standard base64 of the X.509 SubjectPublicKeyInfo (DER). */
    public String verificationKeyBase64() {
        return Base64.getEncoder().encodeToString(verificationKey.getPublic().getEncoded());
    }

    public String mint(Map<String, Object> payload) {
        return mint(payload, verificationKey, decryptionKey);
    }

    /** Decrypts with the app's key, but the verdict inside is not signed by Google's key. */
    public String mintSignedByAnotherKey(Map<String, Object> payload) {
        return mint(payload, Jwts.SIG.ES256.keyPair().build(), decryptionKey);
    }

    /** Signed by Google's key, but encrypted for another app. */
    public String mintEncryptedWithAnotherKey(Map<String, Object> payload) {
        return mint(payload, verificationKey, Jwts.ENC.A256GCM.key().build());
    }

    private static String mint(Map<String, Object> payload, KeyPair signer, SecretKey encryption) {
        final String jws = Jwts.builder().claims(payload).signWith(signer.getPrivate(), Jwts.SIG.ES256).compact();
        return Jwts.builder().content(jws.getBytes(StandardCharsets.US_ASCII))
                .encryptWith(encryption, Jwts.KEY.A256KW, Jwts.ENC.A256GCM).compact();
    }
}
