package dev.oauthapi.tokens;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SigningKeyFilesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T01:02:03Z"), ZoneOffset.UTC);

    @Test
    void writesAnOwnerOnlyPkcs8EcP256KeyNamedByTimeAndRandomSuffix(@TempDir Path dir) throws Exception {
        final SigningKeyFiles keys = new SigningKeyFiles(dir.resolve("jwt"));
        assertThat(keys.hasKeys()).isFalse();

        final Path file = keys.generate(CLOCK, new SecureRandom());

        assertThat(keys.hasKeys()).isTrue();
        assertThat(file.getFileName().toString()).matches("20261126T010203Z-[0-9a-f]{8}\\.pem");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        final String base64 = Files.readString(file)
                .replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "").replaceAll("\\s", "");
        final var key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        assertThat(key).isInstanceOf(ECPrivateKey.class);
        assertThat(((ECPrivateKey) key).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
    }

    @Test
    void neverOverwritesAKey(@TempDir Path dir) throws Exception {
        final SecureRandom sameSuffixEveryTime = new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                java.util.Arrays.fill(bytes, (byte) 7);
            }
        };
        final SigningKeyFiles keys = new SigningKeyFiles(dir);
        final Path first = keys.generate(CLOCK, sameSuffixEveryTime);
        final String before = Files.readString(first);

        assertThatThrownBy(() -> keys.generate(CLOCK, sameSuffixEveryTime)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(first)).isEqualTo(before);
    }
}
