package letmein.fwd.lease;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code --list-leases} from a listing in nft's JSON (the shape {@code nft -j list table} prints). */
class LeaseListingTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static JsonNode listing() throws Exception {
        return M.readTree("""
                {"nftables": [
                 {"metainfo": {"json_schema_version": 1}},
                 {"table": {"family": "inet", "name": "letmein"}},
                 {"set": {"family": "inet", "name": "letmein-v6", "table": "letmein",
                   "type": ["ipv6_addr", "inet_proto", "inet_service"], "flags": ["timeout"],
                   "elem": [{"elem": {"val": {"concat": ["fd00::2", "udp", 53]}, "timeout": 60, "expires": 3725,
                      "comment": "user=00000002 resource=00000011"}}]}},
                 {"set": {"family": "inet", "name": "letmein-v4", "table": "letmein",
                   "type": ["ipv4_addr", "inet_proto", "inet_service"], "flags": ["timeout"],
                   "elem": [{"elem": {"val": {"concat": ["10.0.0.9", "6", 22]}, "timeout": 60, "expires": 41,
                      "comment": "user=00000001 resource=00000010"}},
                     {"elem": {"val": {"concat": ["10.0.0.2", "tcp", 22]}, "timeout": 600, "expires": 185}}]}},
                 {"set": {"family": "inet", "name": "someone-elses", "table": "letmein",
                   "type": ["ipv4_addr", "inet_proto", "inet_service"], "flags": ["timeout"],
                   "elem": [{"elem": {"val": {"concat": ["10.7.7.7", "tcp", 80]}, "timeout": 60, "expires": 9}}]}},
                 {"rule": {"family": "inet", "table": "letmein", "chain": "input", "handle": 7,
                   "comment": "10.0.0.3/jump/MYCHAIN/LETMEIN"}},
                 {"rule": {"family": "inet", "table": "letmein", "chain": "input", "handle": 8,
                   "comment": "any/protected/drop/LETMEIN"}},
                 {"rule": {"family": "inet", "table": "letmein", "chain": "input", "handle": 9,
                   "comment": "admin's own/jump/X"}}
                ]}""");
    }

    @Test
    void textHasOneSortedLinePerLeaseWithOwnerAndTimeLeft() throws Exception {
        String text = LeaseListing.of("inet letmein", listing()).text();
        assertThat(text.lines().toList()).containsExactly(
                "ADDRESS   PROTO  PORT     USER      RESOURCE  EXPIRES",
                "10.0.0.2  tcp    22       -         -         3m05s",
                "10.0.0.3  jump   MYCHAIN  -         -         by-letmeinfwd",
                "10.0.0.9  tcp    22       00000001  00000010  41s",
                "fd00::2   udp    53       00000002  00000011  1h02m05s");
    }

    @Test
    void jsonHasTheSameLeasesWithNullsWhereTheKernelKnowsNothing() throws Exception {
        JsonNode j = M.readTree(LeaseListing.of("inet letmein", listing()).json().toString());
        assertThat(j.size()).isEqualTo(4);
        assertThat(j.get(0).get("user").isNull()).isTrue();
        assertThat(j.get(1).get("protocol").asText()).isEqualTo("jump");
        assertThat(j.get(1).get("chain").asText()).isEqualTo("MYCHAIN");
        assertThat(j.get(1).get("expires_in_seconds").isNull()).isTrue();
        assertThat(j.get(2).get("user").asText()).isEqualTo("00000001");
        assertThat(j.get(2).get("timeout_seconds").asLong()).isEqualTo(60);
        assertThat(j.get(3).get("family").asText()).isEqualTo("ipv6");
        assertThat(j.get(3).get("expires_in_seconds").asLong()).isEqualTo(3725);
    }

    @Test
    void anEmptyTableSaysSo() throws Exception {
        LeaseListing l = LeaseListing.of("inet letmein", M.readTree("{\"nftables\": [{\"table\": {\"name\": \"letmein\"}}]}"));
        assertThat(l.text()).isEqualTo("no leases open in table inet letmein\n");
        assertThat(l.json().toString()).isEqualTo("[]");
    }

    @Test
    void onlyLetmeinfwdsJumpCommentsAreJumpLeases() {
        assertThat(LeaseListing.parseJump("fd00::1/jump/C-1/LETMEIN")).isPresent();
        assertThat(LeaseListing.parseJump("any/protected/drop/LETMEIN")).isEmpty();
        assertThat(LeaseListing.parseJump("example.org/jump/C/LETMEIN")).isEmpty();
        assertThat(LeaseListing.parseJump("10.0.0.1/jump//LETMEIN")).isEmpty();
        assertThat(LeaseListing.parseJump("10.0.0.1/jump/C")).isEmpty();
    }

    @Test
    void durations() {
        assertThat(LeaseListing.duration(1)).isEqualTo("1s");
        assertThat(LeaseListing.duration(60)).isEqualTo("1m00s");
        assertThat(LeaseListing.duration(7200)).isEqualTo("2h00m00s");
    }
}
