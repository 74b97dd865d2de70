package io.github.dualwrite.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fault proxy in front of a tiny echo server: every mode, the counters, flapping and a clean close. */
@Timeout(60) // a guard against a hang, not a timing assertion
class FaultProxyTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private EchoServer echo;
    private FaultProxy proxy;
    private final List<Socket> clients = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        echo = new EchoServer();
        proxy = FaultProxy.start("127.0.0.1", echo.port());
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket client : clients) {
            client.close();
        }
        proxy.close();
        echo.close();
    }

    @Test
    void passForwardsBothWaysAndCounts() throws IOException {
        Socket client = connect();
        assertThat(roundTrip(client, "hello")).isEqualTo("hello");
        assertThat(roundTrip(client, "again")).isEqualTo("again");

        assertThat(proxy.mode()).isEqualTo(FaultProxy.Mode.PASS);
        assertThat(proxy.acceptedConnections()).isEqualTo(1);
        assertThat(proxy.openConnections()).isEqualTo(1);
        assertThat(proxy.bytesToTarget()).isEqualTo(10);
        assertThat(proxy.bytesToClient()).isEqualTo(10);
        assertThat(echo.accepted()).isEqualTo(1);
    }

    @Test
    void aClientThatClosesEndsTheLinkCleanly() throws IOException {
        Socket client = connect();
        assertThat(roundTrip(client, "x")).isEqualTo("x");
        client.close();
        Poll.until(DEADLINE, () -> proxy.openConnections() == 0);
        assertThat(proxy.resetConnections()).isZero();
    }

    @Test
    void refuseRefusesNewConnectionsKeepsOpenOnesAndHealsOnTheSamePort() throws IOException {
        Socket open = connect();
        assertThat(roundTrip(open, "open")).isEqualTo("open"); // accepted (not still in the listen backlog)
        proxy.refuse();

        assertThat(proxy.mode()).isEqualTo(FaultProxy.Mode.REFUSE);
        assertThatThrownBy(this::connect).isInstanceOf(ConnectException.class).hasMessageContaining("refused");
        assertThat(roundTrip(open, "still")).isEqualTo("still");
        assertThat(proxy.acceptedConnections()).isEqualTo(1);

        proxy.pass();
        assertThat(roundTrip(connect(), "back")).isEqualTo("back");
        assertThat(proxy.acceptedConnections()).isEqualTo(2);
    }

    @Test
    void resetResetsOpenConnectionsAndEveryNewOneUntilHealed() throws IOException {
        Socket open = connect();
        assertThat(roundTrip(open, "a")).isEqualTo("a");

        proxy.reset();
        assertThat(proxy.mode()).isEqualTo(FaultProxy.Mode.RESET);
        assertThatThrownBy(() -> open.getInputStream().read())
                .isInstanceOf(SocketException.class).hasMessageContaining("reset");
        Poll.until(DEADLINE, () -> echo.open() == 0); // the target side was reset too

        // accepted, then reset: the RST may already be there when connect() returns, or come with the first read
        assertThatThrownBy(() -> connect().getInputStream().read())
                .isInstanceOf(SocketException.class).hasMessageContaining("reset");
        assertThat(proxy.resetConnections()).isEqualTo(2);
        assertThat(proxy.openConnections()).isZero();

        proxy.pass();
        assertThat(roundTrip(connect(), "healed")).isEqualTo("healed");
    }

    @Test
    void resetOpenConnectionsIsOneShot() throws IOException {
        Socket first = connect();
        Socket second = connect();
        assertThat(roundTrip(first, "1")).isEqualTo("1");
        assertThat(roundTrip(second, "2")).isEqualTo("2");

        assertThat(proxy.resetOpenConnections()).isEqualTo(2);

        assertThat(proxy.mode()).isEqualTo(FaultProxy.Mode.PASS);
        assertThatThrownBy(() -> first.getInputStream().read()).isInstanceOf(SocketException.class);
        assertThat(roundTrip(connect(), "next")).isEqualTo("next");
    }

    @Test
    void blackholeForwardsNothingClosesNothingAndDeliversWhenHealed() throws IOException {
        Socket open = connect();
        assertThat(roundTrip(open, "a")).isEqualTo("a");
        long toTargetBefore = proxy.bytesToTarget();

        proxy.blackhole();
        send(open, "held");
        open.setSoTimeout(300);
        assertThatThrownBy(() -> open.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

        Socket fresh = connect(); // accepted by the proxy, never reaches the target
        fresh.setSoTimeout(300);
        send(fresh, "new");
        assertThatThrownBy(() -> fresh.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        assertThat(proxy.acceptedConnections()).isEqualTo(2);
        assertThat(proxy.openConnections()).isEqualTo(2);
        assertThat(echo.accepted()).isEqualTo(1);
        assertThat(proxy.bytesToTarget()).isEqualTo(toTargetBefore);

        proxy.pass();
        open.setSoTimeout(10_000);
        fresh.setSoTimeout(10_000);
        assertThat(read(open, 4)).isEqualTo("held");
        assertThat(read(fresh, 3)).isEqualTo("new");
        assertThat(echo.accepted()).isEqualTo(2);
    }

    @Test
    void latencyDelaysEachDirection() throws IOException {
        Socket client = connect();
        assertThat(roundTrip(client, "warm")).isEqualTo("warm");
        Duration delay = Duration.ofMillis(150);

        proxy.latency(delay);
        assertThat(proxy.mode()).isEqualTo(FaultProxy.Mode.LATENCY);
        long start = System.nanoTime();
        assertThat(roundTrip(client, "slow")).isEqualTo("slow");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(delay.multipliedBy(2));

        proxy.latency(delay, FaultProxy.Direction.TO_CLIENT);
        start = System.nanoTime();
        assertThat(roundTrip(client, "one way")).isEqualTo("one way");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(delay);
    }

    @Test
    void flapAlternatesPassAndTheFailureUntilAnotherModeIsSet() {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (FaultProxy flapping = FaultProxy.start("127.0.0.1", echo.port(), scheduler)) {
            flapping.flap(Duration.ofMillis(100), Duration.ofMillis(100), FaultProxy.Mode.REFUSE);
            assertThat(flapping.flapping()).isTrue();
            AtomicBoolean served = new AtomicBoolean();
            AtomicBoolean refused = new AtomicBoolean();
            Poll.until(DEADLINE, () -> {
                try (Socket client = new Socket()) {
                    client.connect(new InetSocketAddress(flapping.host(), flapping.port()), 5_000);
                    client.setSoTimeout(5_000);
                    send(client, "?");
                    served.compareAndSet(false, "?".equals(read(client, 1)));
                } catch (ConnectException e) {
                    refused.set(true);
                } catch (IOException e) {
                    // refused in the middle of a round trip: try again
                }
                return served.get() && refused.get();
            });

            flapping.pass();
            assertThat(flapping.flapping()).isFalse();
            assertThat(flapping.mode()).isEqualTo(FaultProxy.Mode.PASS);
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void flapWithABlackholeSeesBothStates() {
        proxy.flap(Duration.ofMillis(100), Duration.ofMillis(100), FaultProxy.Mode.BLACKHOLE);
        AtomicBoolean up = new AtomicBoolean();
        AtomicBoolean down = new AtomicBoolean();
        Poll.until(DEADLINE, () -> {
            FaultProxy.Mode now = proxy.mode();
            up.compareAndSet(false, now == FaultProxy.Mode.PASS);
            down.compareAndSet(false, now == FaultProxy.Mode.BLACKHOLE);
            return up.get() && down.get();
        });
    }

    @Test
    void anUnreachableTargetResetsTheClient() throws IOException {
        int closedPort;
        try (ServerSocket gone = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = gone.getLocalPort();
        }
        try (FaultProxy nowhere = FaultProxy.start("127.0.0.1", closedPort);
                Socket client = new Socket(nowhere.host(), nowhere.port())) {
            client.setSoTimeout(10_000);
            assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketException.class);
            assertThat(nowhere.resetConnections()).isEqualTo(1);
        }
    }

    @Test
    void closeReleasesSocketsAndThreads() throws IOException {
        Socket passing = connect();
        assertThat(roundTrip(passing, "a")).isEqualTo("a");
        proxy.flap(Duration.ofMillis(50), Duration.ofMillis(50), FaultProxy.Mode.BLACKHOLE);
        Socket maybeHeld = connect();
        String prefix = "fault-proxy-" + proxy.port() + "-";
        assertThat(threadsNamed(prefix)).isPositive();

        proxy.close();

        assertThat(threadsNamed(prefix)).isZero();
        assertThat(proxy.openConnections()).isZero();
        assertThatThrownBy(this::connect).isInstanceOf(ConnectException.class);
        passing.setSoTimeout(10_000);
        assertThat(passing.getInputStream().read()).isEqualTo(-1);
        assertThatThrownBy(proxy::pass).isInstanceOf(IllegalStateException.class);
        maybeHeld.close();
    }

    @Test
    void jdbcUrlsAreRewrittenAndParsed() {
        assertThat(proxy.address()).isEqualTo("127.0.0.1:" + proxy.port());
        assertThat(proxy.jdbcUrl("jdbc:mariadb://127.0.0.1:3306/app?socketTimeout=2000"))
                .isEqualTo("jdbc:mariadb://127.0.0.1:" + proxy.port() + "/app?socketTimeout=2000");
        assertThat(proxy.jdbcUrl("jdbc:mysql://db.example:3307")).isEqualTo("jdbc:mysql://" + proxy.address());
        assertThatThrownBy(() -> proxy.jdbcUrl("jdbc:h2:mem:x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> proxy.jdbcUrl("jdbc:mariadb://a:1,b:2/x"))
                .isInstanceOf(IllegalArgumentException.class);

        try (FaultProxy parsed = FaultProxy.inFrontOf("jdbc:mariadb://127.0.0.1:" + echo.port() + "/db")) {
            assertThat(parsed.target().getPort()).isEqualTo(echo.port());
        }
        try (FaultProxy defaulted = FaultProxy.inFrontOf("jdbc:mariadb://localhost/db")) {
            assertThat(defaulted.target().getPort()).isEqualTo(3306);
            assertThat(defaulted.target().getHostString()).isEqualTo("localhost");
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> proxy.flap(Duration.ofMillis(10), Duration.ofMillis(10), FaultProxy.Mode.LATENCY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> proxy.flap(Duration.ZERO, Duration.ofMillis(10), FaultProxy.Mode.REFUSE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> proxy.latency(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(proxy.mode()).isEqualTo(FaultProxy.Mode.PASS);
    }

    private Socket connect() throws IOException {
        Socket client = new Socket();
        clients.add(client);
        client.connect(new InetSocketAddress(proxy.host(), proxy.port()), 5_000);
        client.setSoTimeout(10_000);
        return client;
    }

    private static String roundTrip(Socket client, String text) throws IOException {
        send(client, text);
        return read(client, text.getBytes(UTF_8).length);
    }

    private static void send(Socket client, String text) throws IOException {
        OutputStream out = client.getOutputStream();
        out.write(text.getBytes(UTF_8));
        out.flush();
    }

    private static String read(Socket client, int bytes) throws IOException {
        byte[] data = client.getInputStream().readNBytes(bytes);
        return new String(data, UTF_8);
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
                .count();
    }

    /** Echoes every byte back, a thread per connection; counts accepted and open connections. */
    private static final class EchoServer implements AutoCloseable {

        private final ServerSocket server;
        private final AtomicInteger accepted = new AtomicInteger();
        private final AtomicInteger open = new AtomicInteger();
        private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

        EchoServer() throws IOException {
            server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            FaultProxy.daemon("echo-accept", this::acceptLoop, true);
        }

        int port() {
            return server.getLocalPort();
        }

        int accepted() {
            return accepted.get();
        }

        int open() {
            return open.get();
        }

        private void acceptLoop() {
            while (true) {
                Socket socket;
                try {
                    socket = server.accept();
                } catch (IOException e) {
                    return;
                }
                accepted.incrementAndGet();
                open.incrementAndGet();
                sockets.add(socket);
                FaultProxy.daemon("echo-" + socket.getPort(), () -> echo(socket), true);
            }
        }

        private void echo(Socket socket) {
            try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
                byte[] buffer = new byte[1024];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // reset or closed
            } finally {
                open.decrementAndGet();
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }
}
