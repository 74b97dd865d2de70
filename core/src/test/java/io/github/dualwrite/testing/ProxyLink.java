package io.github.dualwrite.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client connection through a {@link FaultProxy}: the client's socket, a socket to the target, and per
 * direction a reader thread that stamps each chunk with its delivery time and a writer thread that delivers it
 * then (later while the proxy is a blackhole). End of stream and resets are passed on in order, like data.
 */
final class ProxyLink {

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final int BUFFER_BYTES = 16 * 1024;
    private static final int QUEUED_CHUNKS = 16;

    private final FaultProxy proxy;
    private final Socket client;
    private final int id;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicInteger closedHalves = new AtomicInteger();
    private Socket target; // guarded by this
    private boolean ended; // guarded by this

    ProxyLink(FaultProxy proxy, Socket client, int id) {
        this.proxy = proxy;
        this.client = client;
        this.id = id;
    }

    void start() {
        spawn("connect", this::connect);
    }

    List<Thread> threads() {
        return List.copyOf(threads);
    }

    /**
     * Closes both sockets, with a RST when {@code reset}, and stops the link's threads.
     *
     * @return false when the link had already ended
     */
    boolean end(boolean reset) {
        Socket targetSocket;
        synchronized (this) {
            if (ended) {
                return false;
            }
            ended = true;
            targetSocket = target;
        }
        if (reset) {
            proxy.countReset();
        }
        FaultProxy.closeQuietly(client, reset);
        FaultProxy.closeQuietly(targetSocket, reset);
        for (Thread thread : threads) {
            if (thread != Thread.currentThread()) {
                thread.interrupt();
            }
        }
        proxy.ended(this);
        return true;
    }

    /** Connects to the target once the proxy forwards (a blackholed connection never reaches it), then pipes. */
    private void connect() {
        Socket socket = new Socket();
        synchronized (this) {
            if (ended) {
                return;
            }
            target = socket;
        }
        try {
            proxy.awaitForwarding();
            socket.connect(proxy.target(), CONNECT_TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
        } catch (InterruptedException e) {
            return;
        } catch (IOException e) {
            end(true); // the target refused or is unreachable: the client sees a reset
            return;
        }
        pipe(client, socket, true);
        pipe(socket, client, false);
    }

    private void pipe(Socket from, Socket to, boolean towardsTarget) {
        BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
        String direction = towardsTarget ? "to-target" : "to-client";
        spawn(direction + "-read", () -> read(from, queue, towardsTarget));
        spawn(direction + "-write", () -> write(queue, to, towardsTarget));
    }

    private void read(Socket from, BlockingQueue<Chunk> queue, boolean towardsTarget) {
        byte[] buffer = new byte[BUFFER_BYTES];
        try {
            InputStream in = from.getInputStream();
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    if (!isEnded()) {
                        queue.put(new Chunk(null, true, due(towardsTarget))); // the peer reset
                    }
                    return;
                }
                queue.put(new Chunk(n < 0 ? null : Arrays.copyOf(buffer, n), false, due(towardsTarget)));
                if (n < 0) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the link ended
        }
    }

    private void write(BlockingQueue<Chunk> queue, Socket to, boolean towardsTarget) {
        try {
            OutputStream out = to.getOutputStream();
            while (true) {
                Chunk chunk = queue.take();
                long wait = chunk.due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                proxy.awaitForwarding();
                if (chunk.reset) {
                    end(true);
                    return;
                }
                if (chunk.data == null) {
                    to.shutdownOutput();
                    if (closedHalves.incrementAndGet() == 2) {
                        end(false);
                    }
                    return;
                }
                proxy.forwarded(towardsTarget, chunk.data.length); // before the peer can see them
                out.write(chunk.data);
            }
        } catch (IOException e) {
            end(true);
        } catch (InterruptedException e) {
            // the link ended
        }
    }

    private long due(boolean towardsTarget) {
        return System.nanoTime() + proxy.delayNanos(towardsTarget);
    }

    private synchronized boolean isEnded() {
        return ended;
    }

    private synchronized void spawn(String role, Runnable body) {
        if (ended) {
            return;
        }
        Thread thread = FaultProxy.daemon(proxy.threadName(id + "-" + role), body, false);
        threads.add(thread);
        thread.start();
    }

    /** Bytes read one way, a clean end of stream ({@code data == null}) or a reset, due at {@code due}. */
    private record Chunk(byte[] data, boolean reset, long due) {
    }
}
