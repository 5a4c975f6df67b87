package letmein.proto.fwd;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

import letmein.proto.config.ConfigChecksum;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * The 60-byte IPC frame, compatible with upstream's layout:
 * operation(2) user(4) resource(4) addrType(2) addr(16) checksum(32), big-endian.
 * Operation 0 NACK, 1 ACK, 2 INSTALL, 3 REVOKE; addrType 0 IPv6, 1 IPv4 (12 zero bytes, then 4 octets).
 * An IPv4-mapped IPv6 address decodes to the IPv4 address.
 */
public final class FwdCodec {
    public static final int SIZE = 60;
    private static final int OP_NACK = 0;
    private static final int OP_ACK = 1;
    private static final int OP_INSTALL = 2;
    private static final int OP_REVOKE = 3;
    private static final int ADDR_V6 = 0;
    private static final int ADDR_V4 = 1;

    private FwdCodec() {
    }

    public static byte[] encode(FwdMessage m) {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        if (m instanceof FwdMessage.Install i) {
            putRequest(b, OP_INSTALL, i);
        } else if (m instanceof FwdMessage.Revoke r) {
            putRequest(b, OP_REVOKE, r);
        } else if (m instanceof FwdMessage.Ack) {
            b.putShort((short) OP_ACK);
        } else {
            b.putShort((short) OP_NACK); // Nack: all zero
        }
        return b.array();
    }

    private static void putRequest(ByteBuffer b, int op, FwdMessage.Request r) {
        b.putShort((short) op).putInt(r.user().value()).putInt(r.resource().value());
        InetAddress a = r.address();
        if (a instanceof Inet4Address) {
            b.putShort((short) ADDR_V4).put(new byte[12]).put(a.getAddress());
        } else {
            b.putShort((short) ADDR_V6).put(a.getAddress());
        }
        b.put(r.checksum().bytes());
    }

    public static FwdMessage decode(byte[] frame) throws FwdProtocolException {
        if (frame.length != SIZE) {
            throw new FwdProtocolException("IPC message has " + frame.length + " bytes, expected " + SIZE);
        }
        ByteBuffer b = ByteBuffer.wrap(frame);
        int op = Short.toUnsignedInt(b.getShort());
        int user = b.getInt();
        int resource = b.getInt();
        int addrType = Short.toUnsignedInt(b.getShort());
        byte[] addr = new byte[16];
        b.get(addr);
        byte[] checksum = new byte[ConfigChecksum.SIZE];
        b.get(checksum);
        if (addrType != ADDR_V4 && addrType != ADDR_V6) {
            throw new FwdProtocolException("IPC message has unknown address type " + addrType);
        }
        return switch (op) {
            case OP_NACK -> new FwdMessage.Nack();
            case OP_ACK -> new FwdMessage.Ack();
            case OP_INSTALL -> new FwdMessage.Install(new UserId(user), new ResourceId(resource),
                    address(addrType, addr), ConfigChecksum.ofBytes(checksum));
            case OP_REVOKE -> new FwdMessage.Revoke(new UserId(user), new ResourceId(resource),
                    address(addrType, addr), ConfigChecksum.ofBytes(checksum));
            default -> throw new FwdProtocolException("IPC message has unknown operation " + op);
        };
    }

    private static InetAddress address(int type, byte[] addr) throws FwdProtocolException {
        try {
            if (type == ADDR_V4) {
                for (int i = 0; i < 12; i++) {
                    if (addr[i] != 0) {
                        throw new FwdProtocolException("IPC message has an IPv4 address with non-zero padding");
                    }
                }
                return InetAddress.getByAddress(java.util.Arrays.copyOfRange(addr, 12, 16));
            }
            return InetAddress.getByAddress(addr); // maps ::ffff:a.b.c.d to Inet4Address
        } catch (UnknownHostException e) {
            throw new FwdProtocolException("IPC message has an invalid address");
        }
    }
}
