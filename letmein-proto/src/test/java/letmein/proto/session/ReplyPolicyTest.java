package letmein.proto.session;

import static org.assertj.core.api.Assertions.assertThat;

import letmein.proto.config.ErrorPolicy;
import org.junit.jupiter.api.Test;

/** Which errors each control-error-policy answers. */
class ReplyPolicyTest {
    @Test
    void policyTable() {
        ReplyPolicy always = new ReplyPolicy(ErrorPolicy.ALWAYS);
        ReplyPolicy basic = new ReplyPolicy(ErrorPolicy.BASIC_AUTH);
        ReplyPolicy full = new ReplyPolicy(ErrorPolicy.FULL_AUTH);
        assertThat(always.answersErrorIn(AuthState.NOT_AUTH)).isTrue();
        assertThat(always.answersErrorIn(AuthState.BASIC_AUTH)).isTrue();
        assertThat(always.answersErrorIn(AuthState.FULL_AUTH)).isTrue();
        assertThat(basic.answersErrorIn(AuthState.NOT_AUTH)).isFalse();
        assertThat(basic.answersErrorIn(AuthState.BASIC_AUTH)).isTrue();
        assertThat(basic.answersErrorIn(AuthState.FULL_AUTH)).isTrue();
        assertThat(full.answersErrorIn(AuthState.NOT_AUTH)).isFalse();
        assertThat(full.answersErrorIn(AuthState.BASIC_AUTH)).isFalse();
        assertThat(full.answersErrorIn(AuthState.FULL_AUTH)).isTrue();
    }
}
