package dev.oauthapi.tokens;

import dev.oauthapi.errors.Misconfiguration;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProviderTokenCipherTest {
    private static final String OLD = "old:" + Base64.getEncoder().encodeToString(new byte[32]);
    private static final String NEW = "new:" + Base64.getEncoder().encodeToString(filled(7));

    private static byte[] filled(int value) {
        final byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) value);
        return key;
    }

    @Test
    void roundTripsAndRotatesByKeyId() {
        final ProviderTokenCipher before = ProviderTokenCipher.parse(OLD, new SecureRandom());
        final ProviderTokenCipher.Sealed sealedBefore = before.seal("apple-refresh-token");

        final ProviderTokenCipher after = ProviderTokenCipher.parse(NEW + "," + OLD, new SecureRandom());
        final ProviderTokenCipher.Sealed sealedAfter = after.seal("apple-refresh-token");

        assertThat(sealedBefore.keyId()).isEqualTo("old");
        assertThat(sealedAfter.keyId()).isEqualTo("new");
        assertThat(after.open(sealedBefore)).isEqualTo("apple-refresh-token");
        assertThat(after.open(sealedAfter)).isEqualTo("apple-refresh-token");
        assertThat(before.seal("x").ciphertext()).isNotEqualTo(before.seal("x").ciphertext());
    }

    @Test
    void refusesAlteredCiphertextOrARelabelledKey() {
        final ProviderTokenCipher cipher = ProviderTokenCipher.parse(NEW + "," + OLD, new SecureRandom());
        final ProviderTokenCipher.Sealed sealed = cipher.seal("secret");
        final byte[] altered = sealed.ciphertext().clone();
        altered[altered.length - 1] ^= 1;

        assertThatThrownBy(() -> cipher.open(new ProviderTokenCipher.Sealed(altered, "new"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher.open(new ProviderTokenCipher.Sealed(sealed.ciphertext(), "old")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aBadSettingIsAReadableMisconfigurationThatNeverShowsTheKey() {
        assertThatThrownBy(() -> ProviderTokenCipher.parse("no-colon", new SecureRandom()))
                .isInstanceOf(Misconfiguration.class).hasMessageContaining("KEYID:BASE64KEY");
        assertThatThrownBy(() -> ProviderTokenCipher.parse("k:" + Base64.getEncoder().encodeToString(new byte[16]),
                new SecureRandom())).isInstanceOf(Misconfiguration.class).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> ProviderTokenCipher.parse("k:not base64!", new SecureRandom()))
                .isInstanceOf(Misconfiguration.class).hasMessageNotContaining("not base64!");
    }
}
