/**
 * The build-time training run for the client's class-data-sharing archive
 * ({@link letmein.client.cds.Training}, a main class the build and the package's postinst call by name)
 * and the in-process {@link letmein.client.cds.LoopbackServer} it knocks against: letmein-proto's real
 * server-side session on a loopback socket, which the client's tests and the lab load tool's tests reuse.
 */
package letmein.client.cds;
