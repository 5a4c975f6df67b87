/**
 * Netty transports of the control port: {@code ControlServer} binds or adopts the sockets on one event
 * loop; {@code TcpAcceptor} admits connections and {@code TcpSessionHandler} moves their frames;
 * {@code UdpDispatcher} emulates connections per peer on the one UDP socket. Both hand frames to the
 * one {@code SessionDriver}, which runs the session, its timer and its end, so TCP and UDP cannot
 * drift apart.
 */
package letmein.daemon.transport;
