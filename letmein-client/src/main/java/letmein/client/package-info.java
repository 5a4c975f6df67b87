/**
 * The {@code letmein} command's entry point ({@link letmein.client.Main}) and what it takes from the outside
 * world ({@link letmein.client.Environment}: streams, resolver, config files, randomness, clock), so that the
 * tests run the whole program in-process. A knock goes: {@code cli} parses the command line, {@code plan}
 * decides what to knock, {@code net} exchanges the messages, {@code check} audits; {@code cds} is the
 * build-time training run.
 */
package letmein.client;
