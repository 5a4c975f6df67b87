package letmein.client.plan;

/** The transport of the control channel: upstream prefers TCP when the config enables both. */
public enum Transport {
    TCP, UDP
}
