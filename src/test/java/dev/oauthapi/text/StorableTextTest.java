package dev.oauthapi.text;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StorableTextTest {
    @Test
    void nulAndLoneSurrogatesAreNotStorablePairedOnesAre() {
        assertThat(StorableText.isStorable("Ada Lovelace, été, 😀")).isTrue();
        assertThat(StorableText.isStorable("a\u0000b")).isFalse();
        assertThat(StorableText.isStorable("a\ud800b")).isFalse();
        assertThat(StorableText.isStorable("\udc00")).isFalse();
        assertThat(StorableText.isStorable("end\ud83d")).isFalse();
    }

    @Test
    void strippingKeepsEverythingElse() {
        assertThat(StorableText.strip("A\u0000da \ud800Love\udc00lace 😀")).isEqualTo("Ada Lovelace 😀");
        assertThat(StorableText.strip("fine")).isEqualTo("fine");
        assertThat(StorableText.strip(null)).isNull();
    }
}
