package letmein.client.cli;

import java.util.Optional;
import java.util.OptionalInt;
import letmein.client.plan.KnockRequest;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The options shared by {@code knock}, {@code revoke}, {@code connect} and {@code check} (upstream's set). */
public final class KnockOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = {"-u", "--user"}, paramLabel = "USER",
            description = "User ID (hex) to knock as. Default: [CLIENT] default-user, else 00000000.")
    UserId user;

    @Option(names = {"-r", "--resource"}, paramLabel = "RESOURCE",
            description = "Resource ID (hex) to open, instead of mapping PORT through the config (needed for jump resources).")
    ResourceId resource;

    @Option(names = {"-P", "--server-port"}, paramLabel = "PORT",
            description = "Control port of the server. Default: [GENERAL] port.")
    Integer serverPort;

    @Option(names = {"-T", "--server-port-tcp"}, description = "Use TCP for the control channel (wins over -U).")
    boolean tcp;

    @Option(names = {"-U", "--server-port-udp"}, description = "Use UDP for the control channel.")
    boolean udp;

    @Option(names = {"-4", "--ipv4"}, description = "Knock over IPv4 only (with -6: IPv6 then IPv4, both must succeed).")
    boolean ipv4;

    @Option(names = {"-6", "--ipv6"}, description = "Knock over IPv6 only (with -4: IPv6 then IPv4, both must succeed).")
    boolean ipv6;

    @Parameters(index = "0", paramLabel = "HOST", description = "Server host name, IPv4 or IPv6 address.")
    String host;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PORT",
            description = "Port to open; mapped to a resource ID through [RESOURCES] of the config.")
    Integer port;

    /** The request, after checking what picocli cannot express (ranges, conflicts). */
    KnockRequest request(boolean portRequired, boolean resourceConflictsWithPort) {
        if (serverPort != null && (serverPort < 1 || serverPort > 65535)) {
            throw new ParameterException(spec.commandLine(), "--server-port " + serverPort + " is out of range 1..65535");
        }
        if (port != null && (port < 1 || port > 65535)) {
            throw new ParameterException(spec.commandLine(), "PORT " + port + " is out of range 1..65535");
        }
        if (portRequired && port == null) {
            throw new ParameterException(spec.commandLine(), "Missing required parameter: 'PORT'");
        }
        if (resourceConflictsWithPort && port != null && resource != null) {
            throw new ParameterException(spec.commandLine(),
                    "PORT and --resource cannot be used together: give one of them");
        }
        return new KnockRequest(host, port == null ? OptionalInt.empty() : OptionalInt.of(port),
                Optional.ofNullable(resource), Optional.ofNullable(user),
                serverPort == null ? OptionalInt.empty() : OptionalInt.of(serverPort), tcp, udp, ipv4, ipv6);
    }
}
