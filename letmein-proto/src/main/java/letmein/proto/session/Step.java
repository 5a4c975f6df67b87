package letmein.proto.session;

import java.util.Objects;
import java.util.Optional;
import letmein.proto.fwd.FwdMessage;
import letmein.proto.wire.Message;

/**
 * What a transport must do after feeding the {@link Session} an event. The session decides, the
 * transport (TCP or UDP) only moves bytes, so both behave identically.
 */
public sealed interface Step {
    /** Send {@code reply} and keep the session waiting for the peer's next message. */
    record Send(Message reply) implements Step {
        public Send {
            Objects.requireNonNull(reply);
        }
    }

    /** Ask letmeinfwd to carry out {@code request}; report the outcome with {@link Session#onFwdResult}. */
    record Forward(FwdMessage.Request request) implements Step {
        public Forward {
            Objects.requireNonNull(request);
        }
    }

    /** The session is over: send {@code reply} if present, log {@code decision}, then close. */
    record End(Optional<Message> reply, Decision decision) implements Step {
        public End {
            Objects.requireNonNull(reply);
            Objects.requireNonNull(decision);
        }
    }
}
