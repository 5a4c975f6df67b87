/**
 * letmeind, the unprivileged internet-facing daemon: {@code Main} reads the command line and the
 * config and starts the {@code transport.ControlServer}. A knock then goes socket → {@code transport}
 * (frames in and out) → {@code letmein.proto.session.Session} (the exchange) → {@code fwd.FwdClient}
 * (the request to letmeinfwd); {@code policy} decides who gets a session at all.
 */
package letmein.daemon;
