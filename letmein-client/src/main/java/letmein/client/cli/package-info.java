/**
 * The command line and the console: the picocli commands, the fast parser of the knock path
 * ({@link letmein.client.cli.FastPath}), what each command does ({@link letmein.client.cli.Actions}),
 * progress lines and warnings on stderr ({@link letmein.client.cli.Diagnostics}), exit codes, and the
 * man page and completion generator. Nothing here touches the network directly; a change to what the
 * user types or reads belongs here.
 */
package letmein.client.cli;
