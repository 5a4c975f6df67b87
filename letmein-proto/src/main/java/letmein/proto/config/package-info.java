/**
 * The configuration files, {@code letmeind.conf} and {@code letmein.conf}, in upstream letmein's format:
 * the INI dialect ({@code IniParser}), the validated immutable model ({@code ServerConfig},
 * {@code ClientConfig}, {@code Resource} and its variants) built by {@code ConfigParser}, loading from the
 * search path ({@code Configs}) and the checksum both daemons compare. Every error names the file and
 * the line.
 */
package letmein.proto.config;
