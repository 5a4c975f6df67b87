/**
 * The client tests' servers: {@link letmein.client.testserver.RefServer}, the
 * {@link letmein.client.cds.LoopbackServer} with knobs to misbehave, and
 * {@link letmein.client.testserver.BenchServer} for the start-up benchmark. Neither implements the
 * server side of the exchange; both drive letmein-proto's {@code Session}.
 */
package letmein.client.testserver;
