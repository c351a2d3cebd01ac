package dev.oauthapi.appcheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.SecurityException;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Play Integrity tokens of classic requests decoded on our side, with the keys the Play Console
 * gives the app: a JWE (A256KW, A256GCM) under the decryption key around a JWS (ES256) by Google's
 * verification key. jjwt, the project's JOSE library, does both; Nimbus would add a second JOSE
 * library for nothing jjwt lacks here. No call to Google, so no quota is spent.
 */
final class LocalIntegrityDecoder implements IntegrityDecoder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JwtParser decrypt;
    private final JwtParser verify;

    /** @param decryptionKey and {@code verificationKey} base64, as the Play Console shows them */
    LocalIntegrityDecoder(String decryptionKey, String verificationKey) {
        final SecretKey aes = new SecretKeySpec(Base64.getDecoder().decode(decryptionKey.trim()), "AES");
        if (aes.getEncoded().length != 32) {
            throw new IllegalArgumentException("PLAY_INTEGRITY_DECRYPTION_KEY must be the base64 of a 256-bit AES key");
        }
        final PublicKey ec;
        try {
            ec = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(
                    Base64.getDecoder().decode(verificationKey.trim())));
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("PLAY_INTEGRITY_VERIFICATION_KEY must be the base64 of an EC public key"
                    + " (X.509 SubjectPublicKeyInfo), as the Play Console shows it", e);
        }
        this.decrypt = Jwts.parser().decryptWith(aes).build();
        this.verify = Jwts.parser().verifyWith(ec).build();
    }

    @Override
    public JsonNode decode(String packageName, String integrityToken) {
        final byte[] inner;
        try {
            inner = decrypt.parseEncryptedContent(integrityToken).getPayload();
        } catch (JwtException | IllegalArgumentException e) {
            throw new AppCheckRejected("decryption", "the integrity token does not decrypt with this app's key");
        } catch (RuntimeException e) {
            throw new AppCheckRejected("malformed", "the integrity token does not parse");
        }
        try {
            return JSON.valueToTree(verify.parseSignedClaims(new String(inner, StandardCharsets.US_ASCII)).getPayload());
        } catch (SecurityException e) {
            throw new AppCheckRejected("signature", "the integrity verdict is not signed by this app's verification key");
        } catch (RuntimeException e) {
            throw new AppCheckRejected("malformed", "the integrity verdict does not parse");
        }
    }
}
