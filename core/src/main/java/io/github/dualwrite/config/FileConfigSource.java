package io.github.dualwrite.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a YAML or properties file to a {@link MigrationControl} whenever it changes.
 *
 * <p>Changes are noticed by a {@link WatchService} and, as a fallback for file systems that do not report
 * events (network mounts, some containers), by polling the file's size and modification time. Both only
 * schedule a check after a quiet period (debounce), so an editor's several writes become one apply. A
 * half-written file is rejected like any invalid document and the last good one stays; the next write is
 * checked again. For atomic switches write a temporary file and rename it over this one.
 */
public final class FileConfigSource implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FileConfigSource.class);

    private final Path file;
    private final MigrationConfig.Format format;
    private final MigrationControl control;
    private final Duration debounce;
    private final ScheduledExecutorService scheduler;
    private final boolean ownScheduler;
    private final WatchService watchService;
    private final Thread watchThread;
    private final ScheduledFuture<?> poller;
    private ScheduledFuture<?> pending;
    private String lastSeen;
    private FileStamp lastStamp;
    private volatile boolean closed;

    private FileConfigSource(Builder b) {
        this.file = b.file.toAbsolutePath().normalize();
        this.format = MigrationConfig.Format.of(file);
        this.control = b.control;
        this.debounce = b.debounce;
        this.ownScheduler = b.scheduler == null;
        this.scheduler = ownScheduler ? Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "dualwrite-config-file"))
                : b.scheduler;
        checkNow();
        this.watchService = b.watch ? openWatchService() : null;
        this.watchThread = watchService == null ? null : daemon(this::watchLoop, "dualwrite-config-watch");
        if (watchThread != null) {
            watchThread.start();
        }
        long poll = b.pollInterval.toMillis();
        this.poller = scheduler.scheduleWithFixedDelay(this::pollStamp, poll, poll, TimeUnit.MILLISECONDS);
    }

    /** Watches {@code file} with the defaults: 300 ms debounce, 2 s polling fallback. */
    public static FileConfigSource watch(Path file, MigrationControl control) {
        return builder(file, control).build();
    }

    /** Configures a watcher. */
    public static Builder builder(Path file, MigrationControl control) {
        return new Builder(file, control);
    }

    /**
     * Reads the file now and applies it if its content differs from the last content seen. Runs in the
     * caller's thread; safe to call at any time.
     *
     * @return the result, or null when the file is missing or unchanged
     */
    public synchronized MigrationControl.ApplyResult checkNow() {
        String text;
        try {
            lastStamp = FileStamp.of(file);
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            if (lastSeen == null || !lastSeen.isEmpty()) {
                log.warn("dualwrite config file {} does not exist; v{} stays in force", file, control.current().version());
            }
            lastSeen = "";
            return null;
        } catch (IOException | RuntimeException e) {
            log.warn("dualwrite config file {} cannot be read; v{} stays in force", file, control.current().version(), e);
            return null;
        }
        if (text.equals(lastSeen)) {
            return null;
        }
        lastSeen = text;
        return control.apply(text, format, "file:" + file);
    }

    /** Stops watching; the document in force stays. */
    @Override
    public void close() {
        closed = true;
        poller.cancel(false);
        synchronized (this) {
            if (pending != null) {
                pending.cancel(false);
            }
        }
        if (watchService != null) {
            try {
                watchService.close();
            } catch (IOException e) {
                log.debug("closing the watch service of {} failed", file, e);
            }
        }
        if (ownScheduler) {
            scheduler.shutdownNow();
        }
    }

    private synchronized void scheduleCheck() {
        if (closed) {
            return;
        }
        if (pending != null) {
            pending.cancel(false);
        }
        pending = scheduler.schedule(this::checkQuietly, debounce.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void checkQuietly() {
        try {
            checkNow();
        } catch (RuntimeException e) {
            log.warn("dualwrite config check of {} failed; v{} stays in force", file, control.current().version(), e);
        }
    }

    private void pollStamp() {
        FileStamp now = FileStamp.of(file);
        FileStamp before;
        synchronized (this) {
            before = lastStamp;
        }
        if (!now.equals(before)) {
            scheduleCheck();
        }
    }

    private WatchService openWatchService() {
        try {
            WatchService ws = FileSystems.getDefault().newWatchService();
            file.getParent().register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
            return ws;
        } catch (IOException | UnsupportedOperationException e) {
            log.info("dualwrite config file {}: no watch service ({}); polling only", file, e.toString());
            return null;
        }
    }

    private void watchLoop() {
        while (!closed) {
            WatchKey key;
            try {
                key = watchService.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ClosedWatchServiceException e) {
                return;
            }
            boolean ours = false;
            for (WatchEvent<?> event : key.pollEvents()) {
                Object context = event.context();
                ours |= event.kind() == StandardWatchEventKinds.OVERFLOW
                        || (context instanceof Path p && p.equals(file.getFileName()));
            }
            if (ours) {
                scheduleCheck();
            }
            if (!key.reset()) {
                log.warn("dualwrite config directory {} is no longer watched; polling only", file.getParent());
                return;
            }
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Size and modification time: cheap to poll. */
    private record FileStamp(long size, long modified) {
        static FileStamp of(Path file) {
            try {
                return new FileStamp(Files.size(file), Files.getLastModifiedTime(file).toMillis());
            } catch (IOException e) {
                return new FileStamp(-1, -1);
            }
        }
    }

    /** Options of a {@link FileConfigSource}. */
    public static final class Builder {
        private final Path file;
        private final MigrationControl control;
        private Duration debounce = Duration.ofMillis(300);
        private Duration pollInterval = Duration.ofSeconds(2);
        private ScheduledExecutorService scheduler;
        private boolean watch = true;

        private Builder(Path file, MigrationControl control) {
            this.file = Objects.requireNonNull(file, "file");
            this.control = Objects.requireNonNull(control, "control");
        }

        /** Quiet period after the last change before the file is read; default 300 ms. */
        public Builder debounce(Duration value) {
            this.debounce = positive("debounce", value);
            return this;
        }

        /** How often size and modification time are polled; default 2 s. */
        public Builder pollInterval(Duration value) {
            this.pollInterval = positive("pollInterval", value);
            return this;
        }

        /** Runs checks on this scheduler instead of an own daemon thread (not shut down on close). */
        public Builder scheduler(ScheduledExecutorService value) {
            this.scheduler = Objects.requireNonNull(value, "scheduler");
            return this;
        }

        /** Whether to use the file system's watch service besides polling; default true. */
        public Builder useWatchService(boolean value) {
            this.watch = value;
            return this;
        }

        /** Reads the file once now, then watches it. */
        public FileConfigSource build() {
            return new FileConfigSource(this);
        }

        private static Duration positive(String name, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("FileConfigSource " + name + " must be positive but was " + value);
            }
            return value;
        }
    }
}
