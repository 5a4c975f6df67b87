/**
 * The client's network side. {@link letmein.client.net.PlanRunner} is the one way a knock is run: per
 * target it hands the request to {@link letmein.client.net.TcpExchange} or
 * {@link letmein.client.net.UdpExchange}, which move the bytes while letmein-proto's
 * {@code letmein.proto.session.ClientExchange} decides what is sent and accepted (docs/PROTOCOL.md).
 * {@link letmein.client.net.Connector} and {@link letmein.client.net.Relay} are {@code connect}'s
 * connection and byte copying. A change to timing, sockets or retries belongs here; a change to the
 * message sequence belongs in {@code ClientExchange}.
 */
package letmein.client.net;
