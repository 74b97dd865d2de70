package io.github.dualwrite.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on {@code 127.0.0.1} that puts real network faults between a client (a JDBC driver, a pool)
 * and a server (the local MariaDB): point the client at {@link #host()}:{@link #port()} (or
 * {@link #jdbcUrl(String)}) instead of the server, then switch the fault at any time, from any thread:
 * <ul>
 *   <li>{@link #pass()}: bytes are forwarded both ways (the initial mode);</li>
 *   <li>{@link #refuse()}: new connections are refused ({@code ECONNREFUSED}: the listening socket is closed
 *       and its port held without listening); open connections keep working;</li>
 *   <li>{@link #reset()}: every open connection is reset (RST, {@code SO_LINGER 0}) to both peers, and every new
 *       one is accepted and reset at once, until another mode is set; {@link #resetOpenConnections()} is the
 *       one-shot variant that leaves the mode as it is;</li>
 *   <li>{@link #blackhole()}: nothing is forwarded any more, in either direction, and nothing is closed; new
 *       connections are accepted but never reach the server, so the client waits for the greeting; a client
 *       without a socket timeout hangs. Whatever was held is delivered, in order, when the fault ends;</li>
 *   <li>{@link #latency(Duration)}: each chunk read is delivered {@code delay} after it was read (a one-way
 *       delay, so a request/response round trip takes at least twice the delay when both directions are
 *       delayed); {@link #latency(Duration, Direction)} delays one direction only;</li>
 *   <li>{@link #flap(Duration, Duration, Mode)}: {@code up} in PASS, then {@code down} in REFUSE, RESET or
 *       BLACKHOLE, and so on, driven by a {@link ScheduledExecutorService} (its own daemon thread, or the one
 *       given to {@link #start(String, int, ScheduledExecutorService)}). Any other mode setter stops flapping.</li>
 * </ul>
 * The counters ({@link #acceptedConnections()}, {@link #openConnections()}, {@link #bytesToTarget()},
 * {@link #bytesToClient()}, {@link #resetConnections()}) are for assertions. {@link #close()} closes every
 * socket and waits for the proxy's threads (daemon threads named {@code fault-proxy-<port>-...}) to end.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.inFrontOf("jdbc:mariadb://127.0.0.1:3306/app")) {
 *     String url = proxy.jdbcUrl("jdbc:mariadb://127.0.0.1:3306/app?connectTimeout=2000&socketTimeout=2000");
 *     ... // build the new side on url
 *     proxy.blackhole();
 *     ... // the business call must still return in time
 *     proxy.pass();
 * }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {

    /** What the proxy does with connections. */
    public enum Mode {
        /** Forward everything. */
        PASS,
        /** Refuse new connections (the client's connect fails at once); open connections keep working. */
        REFUSE,
        /** Reset open connections, and accept and reset new ones. */
        RESET,
        /** Forward nothing, close nothing: new connections are accepted and never answered. */
        BLACKHOLE,
        /** Forward everything, each chunk delayed. */
        LATENCY
    }

    /** Which way {@link #latency(Duration, Direction)} delays. */
    public enum Direction {
        /** From the client to the target (requests). */
        TO_TARGET,
        /** From the target to the client (responses). */
        TO_CLIENT,
        /** Both ways. */
        BOTH
    }

    private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);
    private static final String LOOPBACK = "127.0.0.1";
    private static final Pattern JDBC_URL = Pattern.compile("^(jdbc:[A-Za-z0-9:]+://)([^/?;]*)(.*)$", Pattern.DOTALL);
    private static final int DEFAULT_PORT = 3306;
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final InetSocketAddress target;
    private final ScheduledExecutorService givenScheduler;
    private final int port;
    private final String name;
    /** Serializes mode changes (held while waiting for the acceptor to let its socket go). */
    private final ReentrantLock switching = new ReentrantLock();
    /** Guards the state the acceptor and the links share with mode changes. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Set<ProxyLink> links = ConcurrentHashMap.newKeySet();
    private final AtomicInteger linkIds = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong toTarget = new AtomicLong();
    private final AtomicLong toClient = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();

    private volatile Mode mode = Mode.PASS;
    private volatile long toTargetDelayNanos;
    private volatile long toClientDelayNanos;
    // guarded by lock
    private ServerSocket listener;
    private ServerSocket accepting;
    private Thread acceptor;
    private Socket portHolder;
    private ScheduledExecutorService ownScheduler;
    private ScheduledFuture<?> flapTask;
    private long flapGeneration;
    private boolean flapping;
    private boolean closed;

    private FaultProxy(InetSocketAddress target, ScheduledExecutorService scheduler) throws IOException {
        this.target = target;
        this.givenScheduler = scheduler;
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(LOOPBACK, 0));
        this.port = server.getLocalPort();
        this.name = "fault-proxy-" + port;
        lock.lock();
        try {
            listen(server);
        } finally {
            lock.unlock();
        }
    }

    /** Starts a proxy on {@code 127.0.0.1} and an ephemeral port, forwarding to {@code targetHost:targetPort}. */
    public static FaultProxy start(String targetHost, int targetPort) {
        return start(targetHost, targetPort, null);
    }

    /**
     * Starts a proxy whose {@link #flap flapping} runs on {@code scheduler} (which the caller owns and shuts
     * down); {@code null} gives the proxy its own daemon thread.
     */
    public static FaultProxy start(String targetHost, int targetPort, ScheduledExecutorService scheduler) {
        try {
            return new FaultProxy(new InetSocketAddress(targetHost, targetPort), scheduler);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + LOOPBACK + " for a proxy to " + targetHost + ":"
                    + targetPort, e);
        }
    }

    /**
     * Starts a proxy to the host and port of a single-host JDBC URL such as {@code jdbc:mariadb://host:3306/db}
     * (port 3306 when the URL names none).
     */
    public static FaultProxy inFrontOf(String jdbcUrl) {
        String authority = authority(jdbcUrl).group(2);
        int colon = authority.lastIndexOf(':');
        if (authority.isEmpty() || authority.startsWith("[")) {
            throw new IllegalArgumentException("FaultProxy needs a host name or IPv4 address in " + jdbcUrl);
        }
        return colon < 0 ? start(authority, DEFAULT_PORT)
                : start(authority.substring(0, colon), Integer.parseInt(authority.substring(colon + 1)));
    }

    /** The host clients connect to: {@code 127.0.0.1}. */
    public String host() {
        return LOOPBACK;
    }

    /** The port clients connect to; it stays the same for the proxy's life, whatever the mode. */
    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>}. */
    public String address() {
        return LOOPBACK + ":" + port;
    }

    /** Where the proxy forwards to. */
    public InetSocketAddress target() {
        return target;
    }

    /**
     * {@code jdbcUrl} with its host and port replaced by this proxy's, the rest (database, parameters) kept:
     * {@code jdbc:mariadb://127.0.0.1:3306/db?x=1} becomes {@code jdbc:mariadb://127.0.0.1:<port>/db?x=1}.
     * Single-host URLs only.
     */
    public String jdbcUrl(String jdbcUrl) {
        Matcher m = authority(jdbcUrl);
        return m.group(1) + address() + m.group(3);
    }

    /** Forwards everything (heals any fault, stops flapping). */
    public FaultProxy pass() {
        return set(Mode.PASS, 0, 0);
    }

    /** Refuses new connections; open ones keep working. */
    public FaultProxy refuse() {
        return set(Mode.REFUSE, 0, 0);
    }

    /** Resets every open connection, and accepts and resets every new one until another mode is set. */
    public FaultProxy reset() {
        return set(Mode.RESET, 0, 0);
    }

    /** Forwards nothing and closes nothing, until another mode is set. */
    public FaultProxy blackhole() {
        return set(Mode.BLACKHOLE, 0, 0);
    }

    /** Delays every chunk by {@code delay} in both directions. */
    public FaultProxy latency(Duration delay) {
        return latency(delay, Direction.BOTH);
    }

    /** Delays every chunk going {@code direction} by {@code delay}; the other direction is not delayed. */
    public FaultProxy latency(Duration delay, Direction direction) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + delay);
        }
        long nanos = delay.toNanos();
        return set(Mode.LATENCY, direction == Direction.TO_CLIENT ? 0 : nanos,
                direction == Direction.TO_TARGET ? 0 : nanos);
    }

    /**
     * Resets every open connection once (RST to both peers) and leaves the mode as it is.
     *
     * @return how many connections were reset
     */
    public int resetOpenConnections() {
        switching.lock();
        lock.lock();
        try {
            checkOpen();
            return abortAll(true);
        } finally {
            lock.unlock();
            switching.unlock();
        }
    }

    /**
     * Alternates PASS for {@code up} and {@code failure} (REFUSE, RESET or BLACKHOLE) for {@code down}, starting
     * with PASS now, until another mode is set or the proxy is closed.
     */
    public FaultProxy flap(Duration up, Duration down, Mode failure) {
        if (failure != Mode.REFUSE && failure != Mode.RESET && failure != Mode.BLACKHOLE) {
            throw new IllegalArgumentException("a flap fails with REFUSE, RESET or BLACKHOLE, not " + failure);
        }
        if (up.isNegative() || up.isZero() || down.isNegative() || down.isZero()) {
            throw new IllegalArgumentException("flap periods must be positive: up " + up + ", down " + down);
        }
        switching.lock();
        lock.lock();
        try {
            set(Mode.PASS, 0, 0);
            long generation = flapGeneration;
            flapping = true;
            scheduleFlap(generation, failure, up, down, false);
            LOG.info("{} flapping: {} up, {} {}", name, up, down, failure);
            return this;
        } finally {
            lock.unlock();
            switching.unlock();
        }
    }

    /** The current mode (while flapping: PASS or the failure mode, whichever is on now). */
    public Mode mode() {
        return mode;
    }

    /** Whether {@link #flap} is switching modes. */
    public boolean flapping() {
        lock.lock();
        try {
            return flapping;
        } finally {
            lock.unlock();
        }
    }

    /** Connections the proxy accepted since it started, whatever it did with them. */
    public long acceptedConnections() {
        return accepted.get();
    }

    /** Connections open through the proxy now (including ones held by a blackhole). */
    public int openConnections() {
        return links.size();
    }

    /** Bytes forwarded to the target since the proxy started (counted as they are handed to its socket). */
    public long bytesToTarget() {
        return toTarget.get();
    }

    /** Bytes forwarded to clients since the proxy started (counted as they are handed to their sockets). */
    public long bytesToClient() {
        return toClient.get();
    }

    /**
     * Connections the proxy closed with a reset: by {@link #reset()}, {@link #resetOpenConnections()}, a
     * connection accepted in RESET mode, an unreachable target, or a reset passed on from one peer to the other.
     */
    public long resetConnections() {
        return resets.get();
    }

    /** Stops flapping, closes the listening socket and every connection, and waits for the proxy's threads. */
    @Override
    public void close() {
        List<Thread> threads = new ArrayList<>();
        ScheduledExecutorService scheduler;
        switching.lock();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            stopFlapping();
            if (acceptor != null) {
                threads.add(acceptor);
            }
            closeQuietly(listener, false);
            closeQuietly(portHolder, false);
            listener = null;
            portHolder = null;
            for (ProxyLink link : links) {
                threads.addAll(link.threads());
                link.end(false);
            }
            changed.signalAll();
            scheduler = ownScheduler;
        } finally {
            lock.unlock();
            switching.unlock();
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        awaitEnd(threads);
        if (scheduler != null) {
            try {
                scheduler.awaitTermination(CLOSE_WAIT_NANOS, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "FaultProxy[" + address() + " -> " + target.getHostString() + ":" + target.getPort() + ", " + mode
                + "]";
    }

    // ---- used by ProxyLink

    /** Blocks while the proxy is a blackhole. */
    void awaitForwarding() throws InterruptedException {
        if (mode != Mode.BLACKHOLE) {
            return;
        }
        lock.lockInterruptibly();
        try {
            while (mode == Mode.BLACKHOLE && !closed) {
                changed.await();
            }
        } finally {
            lock.unlock();
        }
    }

    long delayNanos(boolean towardsTarget) {
        return towardsTarget ? toTargetDelayNanos : toClientDelayNanos;
    }

    void forwarded(boolean towardsTarget, int bytes) {
        (towardsTarget ? toTarget : toClient).addAndGet(bytes);
    }

    void countReset() {
        resets.incrementAndGet();
    }

    void ended(ProxyLink link) {
        links.remove(link);
    }

    String threadName(String suffix) {
        return name + "-" + suffix;
    }

    // ---- internals

    private FaultProxy set(Mode next, long toTargetNanos, long toClientNanos) {
        switching.lock();
        lock.lock();
        try {
            checkOpen();
            stopFlapping();
            apply(next, toTargetNanos, toClientNanos);
            return this;
        } finally {
            lock.unlock();
            switching.unlock();
        }
    }

    /** Switches mode; the caller holds both locks. */
    private void apply(Mode next, long toTargetNanos, long toClientNanos) {
        if (next == Mode.REFUSE) {
            stopListening();
        } else if (listener == null) {
            listen(rebind());
        }
        toTargetDelayNanos = toTargetNanos;
        toClientDelayNanos = toClientNanos;
        Mode previous = mode;
        mode = next;
        changed.signalAll();
        if (next == Mode.RESET) {
            abortAll(true);
        }
        if (previous != next) {
            LOG.info("{} -> {}: {}", name, target, next);
        }
    }

    private void scheduleFlap(long generation, Mode failure, Duration up, Duration down, boolean nextIsUp) {
        Duration wait = nextIsUp ? down : up;
        flapTask = scheduler().schedule(() -> flapStep(generation, failure, up, down, nextIsUp),
                wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void flapStep(long generation, Mode failure, Duration up, Duration down, boolean toUp) {
        switching.lock();
        lock.lock();
        try {
            if (closed || generation != flapGeneration) {
                return;
            }
            try {
                apply(toUp ? Mode.PASS : failure, 0, 0);
            } catch (RuntimeException e) {
                LOG.error("{} could not switch to {} while flapping", name, toUp ? Mode.PASS : failure, e);
            }
            scheduleFlap(generation, failure, up, down, !toUp);
        } finally {
            lock.unlock();
            switching.unlock();
        }
    }

    private void stopFlapping() {
        flapGeneration++;
        flapping = false;
        if (flapTask != null) {
            flapTask.cancel(false);
            flapTask = null;
        }
    }

    private ScheduledExecutorService scheduler() {
        if (givenScheduler != null) {
            return givenScheduler;
        }
        if (ownScheduler == null) {
            ownScheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(threadName("flap"), r, false));
        }
        return ownScheduler;
    }

    private void listen(ServerSocket server) {
        listener = server;
        accepting = server;
        acceptor = daemon(threadName("accept"), () -> acceptLoop(server), true);
    }

    /** Listens on the proxy's port again, taking it over from the port holder. */
    private ServerSocket rebind() {
        try {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            InetSocketAddress address = new InetSocketAddress(LOOPBACK, port);
            try {
                server.bind(address);
            } catch (BindException e) {
                // where a bound socket blocks the bind (not Linux), let the port go for a moment
                closeQuietly(portHolder, false);
                portHolder = null;
                server.bind(address);
            }
            closeQuietly(portHolder, false);
            portHolder = null;
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(name + " cannot listen on its port again", e);
        }
    }

    /**
     * Closes the listening socket and holds the port with a bound, non-listening socket: connects are refused.
     * The caller holds both locks; this releases {@code lock} while it waits for the acceptor.
     */
    private void stopListening() {
        ServerSocket server = listener;
        if (server == null) {
            return;
        }
        listener = null;
        closeQuietly(server, false);
        // the JDK closes a socket a thread is blocked on only when that thread wakes up: wait for the acceptor
        while (accepting == server) {
            changed.awaitUninterruptibly();
        }
        try {
            Socket holder = new Socket();
            holder.setReuseAddress(true);
            holder.bind(new InetSocketAddress(LOOPBACK, port));
            portHolder = holder;
        } catch (IOException e) {
            LOG.warn("{} cannot hold its port while refusing; another process may take it", name, e);
        }
    }

    private void acceptLoop(ServerSocket server) {
        while (true) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warn("{} stops accepting", name, e);
                }
                lock.lock();
                try {
                    if (accepting == server) {
                        accepting = null;
                    }
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
                return;
            }
            accepted.incrementAndGet();
            lock.lock();
            try {
                if (closed || mode == Mode.RESET) {
                    resets.incrementAndGet();
                    closeQuietly(client, true);
                    continue;
                }
                ProxyLink link = new ProxyLink(this, client, linkIds.incrementAndGet());
                links.add(link);
                link.start();
            } finally {
                lock.unlock();
            }
        }
    }

    private int abortAll(boolean reset) {
        int count = 0;
        for (ProxyLink link : links) {
            if (link.end(reset)) {
                count++;
            }
        }
        return count;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
    }

    private static Matcher authority(String jdbcUrl) {
        Matcher m = JDBC_URL.matcher(Objects.requireNonNull(jdbcUrl, "jdbcUrl"));
        if (!m.matches() || m.group(2).contains(",")) {
            throw new IllegalArgumentException("not a single-host JDBC URL (jdbc:<driver>://host[:port]/...): "
                    + jdbcUrl);
        }
        return m;
    }

    private static void awaitEnd(List<Thread> threads) {
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        for (Thread thread : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || thread == Thread.currentThread()) {
                continue;
            }
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static Thread daemon(String name, Runnable body, boolean start) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        if (start) {
            thread.start();
        }
        return thread;
    }

    /** Closes a socket; {@code reset} sends a RST instead of a FIN ({@code SO_LINGER 0}). */
    static void closeQuietly(AutoCloseable socket, boolean reset) {
        if (socket == null) {
            return;
        }
        try {
            if (reset && socket instanceof Socket) {
                ((Socket) socket).setSoLinger(true, 0);
            }
        } catch (IOException e) {
            // already closed: nothing to reset
        }
        try {
            socket.close();
        } catch (Exception e) {
            // closing is best effort
        }
    }
}
