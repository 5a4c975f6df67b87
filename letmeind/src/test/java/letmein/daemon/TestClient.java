package letmein.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Optional;
import letmein.proto.auth.Key;
import letmein.proto.auth.Messages;
import letmein.proto.auth.SecureRandomness;
import letmein.proto.wire.FrameCodec;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ProtocolException;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;
import letmein.daemon.policy.*;
import letmein.daemon.systemd.*;
import letmein.daemon.transport.*;
import letmein.proto.daemon.*;
import letmein.proto.session.*;

/**
 * Raw sockets toward the daemon under test: sends any bytes, frame by frame, so tests can play a
 * hostile or broken peer step by step; the messages themselves come from {@link SessionFixtures}.
 */
final class TestClient {
    static final Messages MESSAGES = SessionFixtures.MESSAGES;

    private TestClient() {
    }

    /** One TCP connection. */
    static final class Tcp implements AutoCloseable {
        final Socket socket;

        Tcp(InetAddress server, int port, InetAddress local, int timeoutMs) throws IOException {
            socket = new Socket();
            if (local != null) {
                socket.bind(new InetSocketAddress(local, 0));
            }
            socket.connect(new InetSocketAddress(server, port), 2000);
            socket.setSoTimeout(timeoutMs);
            socket.setTcpNoDelay(true);
        }

        void send(Message m) throws IOException {
            sendRaw(FrameCodec.encode(m));
        }

        void sendRaw(byte[] b) throws IOException {
            socket.getOutputStream().write(b);
            socket.getOutputStream().flush();
        }

        /** The next frame, or empty on EOF. Times out with SocketTimeoutException. */
        Optional<Message> receive() throws IOException, ProtocolException {
            byte[] b = new byte[Message.SIZE];
            InputStream in = socket.getInputStream();
            int n = 0;
            while (n < b.length) {
                int r = in.read(b, n, b.length - n);
                if (r < 0) {
                    if (n == 0) {
                        return Optional.empty();
                    }
                    throw new IOException("EOF inside a frame after " + n + " bytes");
                }
                n += r;
            }
            return Optional.of(FrameCodec.decode(b));
        }

        /** True if the server closed the connection (EOF or reset) within the socket timeout. */
        boolean closedByServer() throws IOException, ProtocolException {
            try {
                return receive().isEmpty();
            } catch (SocketTimeoutException e) {
                return false;
            } catch (java.net.SocketException e) {
                return true; // reset
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** One UDP "connection" (a fixed local port). */
    static final class Udp implements AutoCloseable {
        final DatagramSocket socket;
        final InetSocketAddress server;

        Udp(InetAddress server, int port, int timeoutMs) throws IOException {
            this.server = new InetSocketAddress(server, port);
            socket = new DatagramSocket(new InetSocketAddress(
                    server.getAddress().length == 4 ? InetAddress.getByName("127.0.0.1")
                            : InetAddress.getByName("::1"), 0));
            socket.setSoTimeout(timeoutMs);
        }

        void send(Message m) throws IOException {
            sendRaw(FrameCodec.encode(m));
        }

        void sendRaw(byte[] b) throws IOException {
            socket.send(new DatagramPacket(b, b.length, server));
        }

        /** The next reply, or empty if none arrived within the timeout. */
        Optional<Message> receive() throws IOException, ProtocolException {
            byte[] b = new byte[200];
            DatagramPacket p = new DatagramPacket(b, b.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return Optional.empty();
            }
            if (p.getLength() != Message.SIZE) {
                throw new IOException("reply of " + p.getLength() + " bytes");
            }
            return Optional.of(FrameCodec.decode(java.util.Arrays.copyOf(b, Message.SIZE)));
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    static Message knock(Key key, UserId user, ResourceId res) {
        return SessionFixtures.knock(key, user, res);
    }

    static Message revoke(Key key, UserId user, ResourceId res) {
        return SessionFixtures.revoke(key, user, res);
    }

    static Message response(Key key, Message challenge) {
        return SessionFixtures.response(key, challenge);
    }
}
