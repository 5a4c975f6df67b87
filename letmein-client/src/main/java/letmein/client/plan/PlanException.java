package letmein.client.plan;

/**
 * The command line and the config do not describe a knock that can be made (no key, unmapped port,
 * no address of the wanted family, …). The message is for the user and says what to fix.
 */
public final class PlanException extends Exception {
    public PlanException(String message) {
        super(message);
    }
}
