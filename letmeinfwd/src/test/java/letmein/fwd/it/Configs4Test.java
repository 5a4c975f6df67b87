package letmein.fwd.it;

/** letmeind.conf texts used by the integration tests. */
final class Configs4Test {
    private Configs4Test() {
    }

    static final String KEYS = "[KEYS]\n"
            + "00000001 = 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
            + "00000002 = 1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n\n";

    static String full(int maxNrRules) {
        return "[GENERAL]\ndebug = true\nport = 5800 / tcp, udp\n\n" + KEYS
                + "[RESOURCES]\n"
                + "00000010 = port: 22\n"
                + "00000011 = port: 53 / udp / timeout: 2\n"
                + "00000012 = port: 4096 / tcp, udp\n"
                + "00000013 = port: 2222 / users: 00000002\n"
                + "00000020 = jump / input: MYCHAIN-IN / input-match: saddr / forward: MYCHAIN-FWD /\n"
                + "    output: MYCHAIN-OUT / output-match: saddr / timeout: 3\n"
                + "00000021 = jump / input: MYCHAIN-IN\n\n"
                + "[NFTABLES]\nfamily = inet\ntable = filter\nchain-input = LETMEIN-INPUT\n"
                + "chain-forward = LETMEIN-FORWARD\nchain-output = LETMEIN-OUTPUT\ntimeout = 600\n"
                + "max-nr-rules = " + maxNrRules + "\n";
    }
}
